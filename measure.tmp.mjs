import { policyCelEngine } from './dist/policy/cel/policy-environment.js';
const e = policyCelEngine();
const lit = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
const dbl = (seed, n, body) => { let o = `cel.bind(s0, ${seed}, `; for (let i = 1; i <= n; i++) o += `cel.bind(s${i}, s${i-1} + s${i-1}, `; return o + body(`s${n}`) + ')'.repeat(n + 1); };
const cases = {
  'string doubling + matches': dbl('"abcdefghij"', 22, (s) => `${s}.matches("(x+x+)+y")`),
  'string doubled to 1.3M chars, matches ^(?:[a-z][a-z]?){1,1000}$': dbl('"abcdefghij"', 17, (s) => `${s}.matches("^(?:[a-z][a-z]?){1,1000}$")`),
  'string doubled, matches ^[a-z]+$ (within budget?)': dbl('"abcdefghij"', 17, (s) => `${s}.matches("^[a-z]+$")`),
  'list doubling': dbl('[1,2,3,4,5,6,7,8]', 30, (l) => `size(${l}) > 0`),
  'nested loops 1000^3': `cel.bind(l, ${lit}, l.all(x, l.all(y, l.all(z, x + y + z >= 0))))`,
  'map of lists 500^3': `cel.bind(l, ${lit}, l.map(x, l.map(y, l.map(z, [x, y, z]))).size() > 0)`,
  'split/join': dbl('"a,b,c,d,"', 18, (s) => `${s}.split(",").join(";").contains("zz")`),
  'lowerAscii chain': dbl('"ABCDEFGH"', 19, (s) => `${s}.lowerAscii().upperAscii().lowerAscii().size() > 0`),
  'size (code points)': dbl('"abcdefgh"', 19, (s) => `size(${s}) + size(${s}) + size(${s}) > 0`),
};
const N = Number(process.argv[2] ?? 3);
for (const [name, src] of Object.entries(cases)) {
  const c = e.compile(src); if (!c.ok) { console.log(name, 'COMPILE', c.error.message); continue; }
  let worst = 0, msg;
  for (let k = 0; k < N; k++) { const t = performance.now(); const r = c.value.evaluate({}); const ms = performance.now() - t; worst = Math.max(worst, ms); msg = r.ok ? 'value ' + String(r.value) : r.error.message.slice(0, 60); }
  console.log(`${name.padEnd(62)} ${worst.toFixed(0).padStart(5)} ms  ${msg}`);
}
console.log('maxRSS MB', (process.resourceUsage().maxRSS / 1024).toFixed(0));

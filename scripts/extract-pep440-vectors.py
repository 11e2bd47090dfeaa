#!/usr/bin/env python3
"""
Extract the parametrized tables of pypa/packaging's tests/test_version.py and
tests/test_specifiers.py into test/deps/pep440-vectors/*.json.

Usage: python3 scripts/extract-pep440-vectors.py /path/to/packaging-checkout

Needs a checkout of https://github.com/pypa/packaging and pytest (the test modules import it);
nothing at test time: the JSON it writes is committed. Each table keeps packaging's own rows
in order, as arrays of values named by "names"; a row is identified by "<file>::<test>#<index>"
(its index among packaging's rows, kept in "index" when a row before it was skipped). Rows holding values JSON cannot
carry (Version objects, callables other than operators) are counted in "skipped".
"""
import inspect
import itertools
import json
import os
import subprocess
import sys

TABLES = {
    "test_version": {
        "TestVersion": [
            "test_valid_versions",
            "test_invalid_versions",
            "test_normalized_versions",
            "test_version_is_prerelease",
            "test_version_is_postrelease",
            "test_version_is_devrelease",
            "test_comparison_true",
            "test_comparison_false",
        ],
    },
    "test_specifiers": {
        "TestSpecifier": [
            "test_specifiers_valid",
            "test_specifiers_invalid",
            "test_specifiers",
            "test_invalid_version",
            "test_arbitrary_equality",
            "test_arbitrary_equality_normalization",
            "test_specifier_prereleases_detection",
            "test_specifiers_prereleases",
        ],
        "TestSpecifierSet": [
            "test_empty_specifier",
            "test_contains_exclusionary_bridges",
            "test_contains_rejects_invalid_specifier",
            "test_contains_post_release_boundary_intersection",
            "test_contains_arbitrary_equality_contains",
            "test_contains_arbitrary_equality_normalization",
        ],
        "TestIsUnsatisfiable": [
            "test_unsatisfiable",
            "test_satisfiable",
            "test_unsatisfiable_prereleases_false",
            "test_satisfiable_prereleases_false",
            "test_post_release_boundary_unsatisfiable",
        ],
    },
}


class Unrepresentable(Exception):
    pass


def plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if callable(value) and getattr(value, "__module__", None) in ("_operator", "operator"):
        return value.__name__
    raise Unrepresentable(type(value).__name__)


def rows_of(func):
    """The parameter rows of a test function: the product of its stacked parametrize marks."""
    marks = [m for m in getattr(func, "pytestmark", []) if m.name == "parametrize"]
    tables = []
    for mark in reversed(marks):
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        values = []
        for v in mark.args[1]:
            if type(v).__name__ == "ParameterSet":
                v = v.values
            elif len(names) == 1:
                v = (v,)
            values.append(tuple(v))
        tables.append((names, values))
    names = [n for t in tables for n in t[0]]
    for combo in itertools.product(*[t[1] for t in tables]):
        yield names, [x for part in combo for x in part]


def main():
    root = os.path.abspath(sys.argv[1])
    sys.path[:0] = [root, os.path.join(root, "src")]
    try:
        commit = subprocess.run(
            ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except Exception:
        with open(os.path.join(root, "COMMIT")) as f:
            commit = f.read().strip()
    import types

    # Test helpers the tables themselves never use; absent from a bare Python.
    for helper in ("pretend",):
        try:
            __import__(helper)
        except ImportError:
            sys.modules[helper] = types.ModuleType(helper)
    import packaging

    out_dir = os.path.join(os.path.dirname(__file__), "..", "test", "deps", "pep440-vectors")
    for module_name, classes in TABLES.items():
        module = __import__(f"tests.{module_name}", fromlist=["*"])
        tables = {}
        for class_name, tests in classes.items():
            cls = getattr(module, class_name)
            for test in tests:
                func = getattr(cls, test)
                params = [p for p in inspect.signature(func).parameters if p != "self"]
                rows, skipped, names = [], [], params
                for i, (names, values) in enumerate(rows_of(func)):
                    try:
                        rows.append([i, *[plain(v) for v in values]])
                    except Unrepresentable:
                        skipped.append(i)
                tables[test] = {
                    "class": class_name,
                    "names": ["index", *names],
                    "skipped": skipped,
                    "rows": rows,
                }
        doc = {
            "source": f"https://github.com/pypa/packaging/blob/{commit}/tests/{module_name}.py",
            "packaging_version": packaging.__version__,
            "commit": commit,
            "license": "Apache-2.0 OR BSD-2-Clause",
            "tables": tables,
        }
        with open(os.path.join(out_dir, f"{module_name}.json"), "w") as f:
            # One row a line: diffs between packaging releases stay readable.
            meta = {k: v for k, v in doc.items() if k != "tables"}
            f.write(json.dumps(meta, ensure_ascii=True)[:-1] + ', "tables": {\n')
            for n, (name, table) in enumerate(tables.items()):
                head = json.dumps({k: v for k, v in table.items() if k != "rows"}, ensure_ascii=True)
                f.write(f' {json.dumps(name)}: {head[:-1]}, "rows": [\n')
                f.write(",\n".join("  " + json.dumps(r, ensure_ascii=True) for r in table["rows"]))
                f.write("\n ]}" + ("," if n < len(tables) - 1 else "") + "\n")
            f.write("}}\n")
        print(module_name, {k: len(v["rows"]) for k, v in tables.items()})


if __name__ == "__main__":
    main()

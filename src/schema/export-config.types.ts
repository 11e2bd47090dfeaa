// Generated from schemas/export-config.schema.json by scripts/build-config-types.mjs: do not edit.
/**
 * An ExportConfig the schema accepted, with the schema's defaults applied
 * (`readExportConfig`, src/schema/read-config.ts): a property that is required or has a
 * `default` is always there. `${VAR}` references are not resolved.
 */
export type ExportConfig = {
  /** Schema version of this document. Always exportctl/v1. */
  apiVersion: 'exportctl/v1';
  /** Document kind. Always ExportConfig. */
  kind: 'ExportConfig';
  /** Who owns this export and what it is called. */
  metadata: {
    /** Name of the export; used in file names and resource names. */
    name: string;
    /** Owning team. */
    owner?: string;
    /** Free text. */
    description?: string;
    /** Free-form labels. */
    labels?: { [key: string]: string };
  };
  /** The HTTP listener of `exportctl serve`. */
  server: {
    /** Address to bind (0.0.0.0 for all interfaces; requires server.auth). Default: "127.0.0.1". */
    host: string;
    /** TCP port of the HTTP API. */
    port: number;
    /** Time budget of one HTTP request (e.g. 30s). Default: "30s". */
    timeout: string;
    /** Largest accepted request body (e.g. 64KiB). Default: "16KiB". */
    max_body: string;
    /** Bearer-token authentication. Tokens are read from environment variables, never written here. */
    auth?: {
      /** Environment variable holding "user:token,user2:token2". */
      tokens_env?: string;
      /** Environment variable holding admin "user:token" pairs. */
      admin_tokens_env?: string;
    };
  };
  /** The source database. */
  database: {
    /** Database driver: postgres or sqlite. */
    driver: 'postgres' | 'sqlite';
    /** Connection URL. Secrets only through ${VAR} or ${VAR:-default}. For sqlite: sqlite:PATH, relative to the project. */
    url: string;
    /** Connection pool of each exporter instance. Default: {}. */
    pool: {
      /** Most connections open at once (at most PostgreSQL's own ceiling, 262143). Default: 10. */
      max_connections: number;
      /** Connections kept open when idle. */
      min_connections?: number;
      /** How long a job waits for a free connection. Default: "10s". */
      acquire_timeout: string;
      /** How long an idle connection is kept. */
      idle_timeout?: string;
    };
    /** The database server's own max_connections (set on RDS by synth). */
    server_max_connections?: number;
    /** Server-side limit on one statement. */
    statement_timeout?: string;
  };
  /** What is exported and how. */
  export: {
    /** Where rows come from: exactly one of table or query. */
    source: {
      /** Table to export (exclusive with query). */
      table?: string;
      /** SELECT to export (exclusive with table). */
      query?: string;
      /** Unique, stable column: export order and resume point. */
      key: string;
      /** Pull only rows changed since the last run. */
      incremental?: {
        /** Cursor column (e.g. updated_at). */
        column: string;
        /** Type of the cursor column. */
        type: 'timestamp' | 'integer';
        /** Safety lag behind the database clock for late commits (default: 5s for a timestamp cursor, none for an integer cursor). */
        lag?: string;
      };
    };
    /** Projection, renames and truncation. Items merge by name across overlays. */
    columns?: Array<{
      /** Output column name. */
      name: string;
      /** Source column (default: name). */
      from?: string;
      /** Truncate to this many characters. */
      max_length?: number;
    }>;
    /** Rows per fetch (at most 1000000: a fetch is held in memory). Default: 2000. */
    chunk_size: number;
    /** Bounded buffer between fetch and write. Default: {}. */
    queue: {
      /** Rows the buffer holds before the reader waits (at most 1000000: they are held in memory). Default: 1000. */
      capacity: number;
    };
    /** Export jobs run at once per instance (at most 1024). Default: 1. */
    workers: number;
    /** The files written. */
    output: {
      /** csv (RFC 4180, PostgreSQL style) or jsonl. */
      format: 'csv' | 'jsonl';
      /** Output directory, relative to the project. */
      dir: string;
      /** Character encoding of the output. Default: "utf-8". */
      encoding: 'utf-8' | 'gbk' | 'gb18030';
      /** What to do with characters the encoding cannot hold. Default: "fail". */
      on_unencodable: 'replace' | 'fail';
      /** Write a header row (csv). Default: true. */
      header: boolean;
    };
    /** Guards against runaway exports. Default: {}. */
    limits: {
      /** Most rows one export may hold. */
      max_rows?: number;
      /** Exports one user may request per hour. */
      per_user_per_hour?: number;
      /** Refuse or pause work above this use of the output filesystem. */
      disk_usage_breaker?: string;
    };
    /** Retries of transient source errors. Default: {}. */
    retry: {
      /** Retries after the first try. Default: 3. */
      attempts: number;
      /** Wait before the first retry; doubles each time. Default: "1s". */
      initial_backoff: string;
      /** Longest wait between retries. Default: "30s". */
      max_backoff: string;
    };
    /** One job's whole time budget. */
    timeout?: string;
  };
  /** Where export jobs wait. Default: {}. */
  queue: {
    /** memory (embedded, persisted locally) or redis (several machines). Default: "memory". */
    backend: 'memory' | 'redis';
    /** Redis URL for backend: redis, through ${VAR}. */
    url?: string;
  };
  /** Health probes of the service. Default: {}. */
  probes: {
    /** Restart the instance when this fails. Default: {"path":"/healthz"}. */
    liveness: {
      /** HTTP path probed. */
      path: string;
      /** Wait before the first probe. Default: "0s". */
      initial_delay: string;
      /** Time between probes. Default: "10s". */
      period: string;
      /** Time budget of one probe. Default: "1s". */
      timeout: string;
      /** Failures in a row before acting. Default: 3. */
      failure_threshold: number;
      /** Successes in a row before recovering. Default: 1. */
      success_threshold: number;
    };
    /** Stop routing traffic when this fails. Default: {"path":"/readyz"}. */
    readiness: {
      /** HTTP path probed. */
      path: string;
      /** Wait before the first probe. Default: "0s". */
      initial_delay: string;
      /** Time between probes. Default: "10s". */
      period: string;
      /** Time budget of one probe. Default: "1s". */
      timeout: string;
      /** Failures in a row before acting. Default: 3. */
      failure_threshold: number;
      /** Successes in a row before recovering. Default: 1. */
      success_threshold: number;
    };
  };
  /** Metrics and alerts. */
  monitoring?: {
    /** Prometheus endpoint. */
    metrics?: {
      /** Port of the metrics listener. */
      port?: number;
      /** Path of the metrics endpoint. Default: "/metrics". */
      path: string;
    };
    /** Alerts (CloudWatch alarms in Terraform). Items merge by name across overlays. */
    alerts?: Array<{
      /** Alert name. */
      name: string;
      /** Metric the alert watches. */
      metric: string;
      /** Quantile of a histogram metric. */
      quantile?: number;
      /** Comparison with threshold. */
      op: '>' | '>=' | '<' | '<=' | '==' | '!=';
      /** Value that fires the alert. */
      threshold: number;
      /** How long the condition must hold. */
      for?: string;
      /** Who is told. */
      severity?: 'page' | 'ticket' | 'info';
    }>;
  };
  /** Who hears of completed and failed jobs. */
  notifications?: {
    /** POSTed on completion and failure (retried). */
    webhook?: {
      /** Webhook URL, through ${VAR} when it carries a secret. */
      url: string;
      /** Time budget of one delivery. Default: "5s". */
      timeout: string;
    };
    /** Addresses subscribed to the SNS topic. */
    email?: Array<string>;
  };
  /** Feature toggles. */
  toggles?: {
    /** What the service answers while the source is down. */
    fallback?: {
      /** Turn the fallback on. Default: false. */
      enabled: boolean;
      /** cache_first serves the newest completed export marked stale; fail_fast answers 503. Default: "cache_first". */
      strategy: 'cache_first' | 'fail_fast';
      /** How long to wait for the source before falling back. Default: "300ms". */
      timeout: string;
    };
  };
  /** Dependency version constraints of the export service. */
  dependencies?: {
    /** pypi (PEP 440) or npm (semver). */
    ecosystem: 'pypi' | 'npm';
    /** Package name to version specifier in the ecosystem's syntax. */
    requirements?: { [key: string]: string };
    /** requirements.txt or package-lock.json, relative to the project. */
    lockfile?: string;
    /** CompatibilityMatrix file, relative to the project. */
    compatibility?: string;
    /** Versions that must not be allowed. */
    deny?: Array<{
      /** Package name. */
      package: string;
      /** Denied versions (specifier). */
      versions: string;
      /** Why. */
      reason?: string;
    }>;
  };
  /** Cloud resources emitted by `exportctl synth`. */
  infrastructure?: {
    /** Cloud provider. Only aws. */
    provider: 'aws';
    /** AWS region (e.g. us-east-1). */
    region: string;
    /** EC2 instances running the exporter. */
    instance?: {
      /** Machine image id. */
      ami?: string;
      /** Instance type (e.g. t3.medium). */
      type?: string;
      /** Number of instances. Default: 1. */
      count: number;
    };
    /** S3 bucket for exports. */
    storage?: {
      /** Bucket name; the environment's name is appended. */
      bucket?: string;
      /** Days before exports expire. */
      retention_days?: number;
      /** Keep object versions. */
      versioning?: boolean;
    };
    /** RDS instance. */
    database?: {
      /** Database engine. Only postgres. */
      engine?: 'postgres';
      /** Engine major version, as a string ("15"). */
      version?: string;
      /** Instance class (e.g. db.t3.medium). */
      class?: string;
      /** Allocated storage in GB. */
      storage_gb?: number;
      /** Standby in a second zone. */
      multi_az?: boolean;
    };
    /** Terraform state backend; local when absent. */
    backend?: {
      /** S3 backend. */
      s3?: {
        /** State bucket. */
        bucket: string;
        /** Prefix of the state key; the environment is appended. */
        key_prefix?: string;
        /** Region of the state bucket. */
        region?: string;
      };
    };
    /** Tags added to every taggable resource. */
    tags?: { [key: string]: string };
  };
};

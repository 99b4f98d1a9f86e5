"""Engine default cluster parameters, as DescribeDBClusterParameters lists them on a new group.

A subset of AWS's default.aurora-postgresql15 group (which has some 350 entries): the logging, statistics, TLS, replication
and memory parameters a platform sets, with AWS's apply types, data types, allowed values and formulas. Parameters with
no value of their own in AWS's default group have none here either.
"""

# name, value ("" for none), apply type, data type, allowed values ("" for none), modifiable, description
# fmt: off
_AURORA_POSTGRESQL15 = (
    ("auto_explain.log_analyze", "", "dynamic", "boolean", "0,1", True, "Use EXPLAIN ANALYZE for plan logging."),
    ("auto_explain.log_buffers", "", "dynamic", "boolean", "0,1", True, "Log buffers usage."),
    ("auto_explain.log_format", "", "dynamic", "string", "text,xml,json,yaml", True, "EXPLAIN format to be used for plan logging."),
    ("auto_explain.log_min_duration", "", "dynamic", "integer", "-1-2147483647", True, "Sets the minimum execution time above which plans will be logged."),
    ("auto_explain.log_nested_statements", "", "dynamic", "boolean", "0,1", True, "Log nested statements."),
    ("auto_explain.log_timing", "", "dynamic", "boolean", "0,1", True, "Collect timing data, not just row counts."),
    ("auto_explain.log_verbose", "", "dynamic", "boolean", "0,1", True, "Use EXPLAIN VERBOSE for plan logging."),
    ("autovacuum_max_workers", "GREATEST({DBInstanceClassMemory/64371566592},3)", "static", "integer", "1-262143", True,
     "Sets the maximum number of simultaneously running autovacuum worker processes."),
    ("default_transaction_isolation", "", "dynamic", "string", "serializable,repeatable read,read committed,read uncommitted", True,
     "Sets the transaction isolation level of each new transaction."),
    ("idle_in_transaction_session_timeout", "", "dynamic", "integer", "0-2147483647", True,
     "(ms) Sets the maximum allowed duration of any idling transaction."),
    ("lock_timeout", "", "dynamic", "integer", "0-2147483647", True, "(ms) Sets the maximum allowed duration of any wait for a lock."),
    ("log_autovacuum_min_duration", "", "dynamic", "integer", "-1-2147483647", True,
     "(ms) Sets the minimum execution time above which autovacuum actions will be logged."),
    ("log_connections", "", "dynamic", "boolean", "0,1", True, "Logs each successful connection."),
    ("log_disconnections", "", "dynamic", "boolean", "0,1", True, "Logs end of a session, including duration."),
    ("log_error_verbosity", "", "dynamic", "string", "terse,default,verbose", True, "Sets the verbosity of logged messages."),
    ("log_lock_waits", "", "dynamic", "boolean", "0,1", True, "Logs long lock waits."),
    ("log_min_duration_statement", "", "dynamic", "integer", "-1-2147483647", True,
     "(ms) Sets the minimum execution time above which statements will be logged."),
    ("log_min_error_statement", "", "dynamic", "string", "debug5,debug4,debug3,debug2,debug1,info,notice,warning,error,log,fatal,panic", True,
     "Causes all statements generating error at or above this level to be logged."),
    ("log_rotation_age", "60", "dynamic", "integer", "1-1440", True, "(min) Automatic log file rotation will occur after N minutes."),
    ("log_rotation_size", "100000", "dynamic", "integer", "50000-1000000", True, "(kB) Automatic log file rotation will occur after N kilobytes."),
    ("log_statement", "", "dynamic", "string", "none,ddl,mod,all", True, "Sets the type of statements logged."),
    ("log_temp_files", "", "dynamic", "integer", "-1-2147483647", True, "(kB) Log the use of temporary files larger than this number of kilobytes."),
    ("maintenance_work_mem", "GREATEST({DBInstanceClassMemory/63963136*1024},65536)", "dynamic", "integer", "1024-2147483647", True,
     "(kB) Sets the maximum memory to be used for maintenance operations."),
    ("max_connections", "LEAST({DBInstanceClassMemory/9531392},5000)", "static", "integer", "6-8388607", True,
     "Sets the maximum number of concurrent connections."),
    ("pg_stat_statements.max", "", "static", "integer", "100-2147483647", True, "Sets the maximum number of statements tracked by pg_stat_statements."),
    ("pg_stat_statements.save", "", "dynamic", "boolean", "0,1", True, "Save pg_stat_statements statistics across server shutdowns."),
    ("pg_stat_statements.track", "", "dynamic", "string", "none,top,all", True, "Selects which statements are tracked by pg_stat_statements."),
    ("pg_stat_statements.track_utility", "", "dynamic", "boolean", "0,1", True, "Selects whether utility commands are tracked by pg_stat_statements."),
    ("pgaudit.log", "", "dynamic", "list", "ddl,function,misc,read,role,write,none,all,-ddl,-function,-misc,-read,-role,-write", True,
     "Specifies which classes of statements will be logged by session audit logging."),
    ("pgaudit.role", "", "dynamic", "string", "", True, "Specifies the master role to use for object audit logging."),
    ("random_page_cost", "", "dynamic", "real", "0-2147483647", True, "Sets the planner's estimate of the cost of a nonsequentially fetched disk page."),
    ("rds.force_ssl", "0", "dynamic", "boolean", "0,1", True, "Force SSL connections."),
    ("rds.log_retention_period", "4320", "dynamic", "integer", "1440-10080", True, "Amazon RDS will delete PostgreSQL logs that are older than N minutes."),
    ("rds.logical_replication", "0", "static", "boolean", "0,1", True, "Enables logical decoding."),
    ("rds.restrict_password_commands", "", "static", "boolean", "0,1", True, "Restricts password-related commands to members of rds_password."),
    ("shared_buffers", "SUM({DBInstanceClassMemory/12038},-50003)", "static", "integer", "16-1073741823", True,
     "(8kB) Sets the number of shared memory buffers used by the server."),
    ("shared_preload_libraries", "pg_stat_statements", "static", "list",
     "auto_explain,orafce,pgaudit,pglogical,pg_bigm,pg_cron,pg_hint_plan,pg_prewarm,pg_similarity,"
     "pg_stat_statements,pg_tle,pg_partman_bgw,plprofiler,pgtt,decoder_raw,wal2json", True, "Lists shared libraries to preload into server."),
    ("ssl_ca_file", "/rdsdbdata/rds-metadata/ca-cert.pem", "static", "string", "", False, "Location of the SSL server authority file."),
    ("ssl_min_protocol_version", "TLSv1.2", "dynamic", "string", "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3", True, "Sets the minimum SSL/TLS protocol version to use."),
    ("statement_timeout", "", "dynamic", "integer", "0-2147483647", True, "(ms) Sets the maximum allowed duration of any statement."),
    ("timezone", "UTC", "dynamic", "string", "", True, "Sets the time zone for displaying and interpreting time stamps."),
    ("track_activity_query_size", "4096", "static", "integer", "100-1048576", True, "Sets the size reserved for pg_stat_activity.current_query, in bytes."),
    ("track_commit_timestamp", "", "static", "boolean", "0,1", True, "Collects transaction commit time."),
    ("track_functions", "", "dynamic", "string", "none,pl,all", True, "Collects function-level statistics on database activity."),
    ("track_io_timing", "1", "dynamic", "boolean", "0,1", True, "Collects timing statistics for database I/O activity."),
    ("work_mem", "", "dynamic", "integer", "64-2147483647", True, "(kB) Sets the maximum memory to be used for query workspaces."),
)
# fmt: on

_FAMILIES = {"aurora-postgresql15": _AURORA_POSTGRESQL15}


def engine_default_cluster_parameters(family: str) -> list[dict]:
    """The family's defaults in DescribeDBClusterParameters' shape; empty for a family without data here."""
    parameters = []
    for name, value, apply_type, data_type, allowed, modifiable, description in _FAMILIES.get(family, ()):
        parameter = {
            "ParameterName": name,
            "ParameterValue": value,
            "Description": description,
            "Source": "engine-default",
            "ApplyType": apply_type,
            "DataType": data_type,
            "AllowedValues": allowed,
            "IsModifiable": modifiable,
            "ApplyMethod": "pending-reboot",
        }
        parameters.append({key: item for key, item in parameter.items() if item != ""})
    return parameters

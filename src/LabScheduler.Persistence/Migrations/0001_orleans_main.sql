-- 0001_orleans_main.sql
--
-- Creates the query catalogue table OrleansQuery, the shared base of the
-- Orleans ADO.NET providers (clustering, grain persistence, reminders).
--
-- This schema follows the public contract of the Orleans ADO.NET providers
-- (invariant "Npgsql"): every provider loads its SQL at start-up with
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and executes only those texts, binding parameters by name (for example
-- @DeploymentId) and reading result columns by name.  The later migrations
-- 0002-0004 fill this table, one row per query key.
--
-- Written for LabScheduler (PostgreSQL 15, default schema).  Unquoted
-- identifiers fold to lower case; the providers match column names
-- case-insensitively, so that is fine.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

-- 0002_orleans_clustering.sql
--
-- Creates the cluster membership store used by Orleans ADO.NET clustering
-- (silo membership table, gateway list for clients):
--   * tables OrleansMembershipVersionTable and OrleansMembershipTable,
--   * functions insert_membership and update_membership,
--   * the clustering query keys in OrleansQuery.
--
-- Follows the public contract of the Orleans ADO.NET clustering provider
-- (Orleans 10.4, invariant "Npgsql"): the query keys, the @parameter names
-- and the names of the result columns below are what the provider binds and
-- reads, so they must not be renamed.  The SQL itself is our own.
--
-- Contract notes:
--   * One version row per cluster (DeploymentId = ClusterId).  Its Version is
--     the table ETag; every successful membership insert/update must advance
--     it by exactly one, and must fail (return 0) when the caller's @Version
--     is stale.
--   * InsertMembershipVersionKey, InsertMembershipKey and UpdateMembershipKey
--     return one row with one integer column: > 0 means success.
--   * MembershipReadRowKey / MembershipReadAllKey always return the version
--     row, LEFT JOINed to the member rows, so an empty cluster still yields
--     its Version (member columns NULL).
--   * Status codes are Orleans SiloStatus values: 3 = Active, 6 = Dead.
--   * SuspectTimes is a provider-formatted string ("silo,date|silo,date").
--   * CleanupDefunctSiloEntryKey is optional for the provider; when present it
--     prunes Dead rows one at a time, matching the values the provider read.
--     CleanupDefunctSiloEntriesKey is still required at start-up.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId
        PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Adds a silo row and advances the table version, atomically.
-- The version row is locked first (FOR UPDATE), so concurrent writers of the
-- same cluster are serialised and a stale @Version is rejected without any
-- change.  Returns 1 on success, 0 when the version did not match, the
-- cluster has no version row, or the silo row already exists.
-- (Function and argument names are kept identical to the upstream Orleans
-- script so that its later upgrade scripts can CREATE OR REPLACE them.)
CREATE FUNCTION insert_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    SiloNameArg     varchar,
    HostNameArg     varchar,
    StatusArg       integer,
    ProxyPortArg    integer,
    StartTimeArg    timestamptz,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $body$
DECLARE
    locked_version integer;
    changed        integer;
BEGIN
    SELECT v.Version
      INTO locked_version
      FROM OrleansMembershipVersionTable AS v
     WHERE v.DeploymentId = DeploymentIdArg
       FOR UPDATE;

    IF NOT FOUND
       OR VersionArg IS NULL
       OR locked_version <> VersionArg
       OR locked_version >= 2147483647 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName,
         Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (DeploymentIdArg, AddressArg, PortArg, GenerationArg, SiloNameArg, HostNameArg,
         StatusArg, ProxyPortArg, StartTimeArg, IAmAliveTimeArg)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE OrleansMembershipVersionTable
       SET Version   = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = DeploymentIdArg;

    RETURN QUERY SELECT 1;
END
$body$;

-- Updates one silo row and advances the table version, atomically, with the
-- same locking and version rule as insert_membership.  IAmAliveTime never
-- moves backwards.  Returns 1 on success, 0 otherwise (nothing changed).
CREATE FUNCTION update_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    StatusArg       integer,
    SuspectTimesArg varchar,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $body$
DECLARE
    locked_version integer;
    changed        integer;
BEGIN
    SELECT v.Version
      INTO locked_version
      FROM OrleansMembershipVersionTable AS v
     WHERE v.DeploymentId = DeploymentIdArg
       FOR UPDATE;

    IF NOT FOUND
       OR VersionArg IS NULL
       OR locked_version <> VersionArg
       OR locked_version >= 2147483647 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE OrleansMembershipTable AS m
       SET Status       = StatusArg,
           SuspectTimes = SuspectTimesArg,
           IAmAliveTime = GREATEST(m.IAmAliveTime, IAmAliveTimeArg)
     WHERE m.DeploymentId = DeploymentIdArg
       AND m.Address      = AddressArg
       AND m.Port         = PortArg
       AND m.Generation   = GenerationArg;

    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE OrleansMembershipVersionTable
       SET Version   = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = DeploymentIdArg;

    RETURN QUERY SELECT 1;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the version row of a cluster if missing.  1 = created, 0 = existed.
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT CAST(count(*) AS integer) AS row_count FROM created;
$q$),

('InsertMembershipKey', $q$
    SELECT row_count FROM insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),

('UpdateMembershipKey', $q$
    SELECT row_count FROM update_membership(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),

-- Heartbeat: touches only IAmAliveTime (never backwards), not the version.
('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
       SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
     WHERE DeploymentId = @DeploymentId
       AND Address      = @Address
       AND Port         = @Port
       AND Generation   = @Generation;
$q$),

('MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
           ON m.DeploymentId = v.DeploymentId
          AND m.Address      = @Address
          AND m.Port         = @Port
          AND m.Generation   = @Generation
    WHERE v.DeploymentId = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable AS v
    LEFT JOIN OrleansMembershipTable AS m
           ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Gateways for clients: @Status is Active (3); only silos with a proxy port.
('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
      FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Status       = @Status
       AND ProxyPort    > 0;
$q$),

('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable        WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Bulk fallback, used only when CleanupDefunctSiloEntryKey is absent:
-- removes Dead silos that started and last reported before @IAmAliveTime
-- and carry no suspicion votes.  The table version is not changed.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Status       = 6
       AND IAmAliveTime < @IAmAliveTime
       AND StartTime    < @IAmAliveTime
       AND COALESCE(SuspectTimes, '') = '';
$q$),

-- Per-row pruning: deletes one Dead silo row only if it still holds exactly
-- the values the provider read (start, heartbeat and suspicion votes).
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
     WHERE DeploymentId = @DeploymentId
       AND Address      = @Address
       AND Port         = @Port
       AND Generation   = @Generation
       AND Status       = 6
       AND StartTime    = @StartTime
       AND IAmAliveTime = @IAmAliveTime
       AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$);

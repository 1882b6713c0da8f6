-- 0003_orleans_persistence.sql
--
-- Creates the grain state store used by Orleans ADO.NET grain persistence
-- (AddAdoNetGrainStorage):
--   * table OrleansStorage and its lookup index,
--   * function writetostorage (optimistic, version-checked write),
--   * query keys ReadFromStorageKey, WriteToStorageKey, ClearStorageKey and
--     DeleteStorageKey in OrleansQuery.
--
-- Follows the public contract of the Orleans ADO.NET persistence provider
-- (Orleans 10.4, invariant "Npgsql").  The provider binds these parameters,
-- all computed on the client side:
--   @GrainIdHash, @GrainTypeHash   int hashes of the grain key / grain type
--                                   (chosen by the provider's hash picker)
--   @GrainIdN0, @GrainIdN1         bigint halves of a Guid key, or 0 and the
--                                   integer key; both 0 for string keys
--   @GrainIdExtensionString         string key, or key extension, or NULL
--   @GrainTypeString                grain type name without generic details
--   @ServiceId                      ClusterOptions.ServiceId
--   @GrainStateVersion              the ETag the grain holds (int, or NULL
--                                   when the grain has never been stored)
--   @PayloadBinary                  the serialized state (bytea)
-- and reads these result columns:
--   ReadFromStorageKey   PayloadBinary, Version        (zero or one row)
--   WriteToStorageKey    NewGrainStateVersion
--   ClearStorageKey      first column = new version
--   DeleteStorageKey     first column = a value different from the old ETag
-- A returned version equal to the caller's ETag, or no row, is reported by
-- the provider as an InconsistentStateException (ETag conflict).
-- DeleteStorageKey is optional for the provider; it is needed only when the
-- storage is configured with DeleteStateOnClear = true.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);

CREATE INDEX IX_OrleansStorage
    ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

-- Writes one grain state and returns its new version.
--   * _grainstateversion NOT NULL: update the row whose Version equals it and
--     return version + 1; if no such row exists (someone else wrote first, or
--     the row is gone) return the unchanged version, which the provider
--     reports as an ETag conflict.
--   * _grainstateversion NULL: first write; insert with Version 1 unless a row
--     already exists, in which case return NULL (conflict).  A transaction
--     advisory lock on the two hashes serialises racing first writes, so two
--     activations cannot both insert.
-- Argument names and types are kept identical to the upstream Orleans script
-- so that its later upgrade scripts can CREATE OR REPLACE this function.
CREATE FUNCTION writetostorage(
    _grainidhash            integer,
    _grainidn0              bigint,
    _grainidn1              bigint,
    _graintypehash          integer,
    _graintypestring        varchar,
    _grainidextensionstring varchar,
    _serviceid              varchar,
    _grainstateversion      integer,
    _payloadbinary          bytea)
    RETURNS TABLE (newgrainstateversion integer)
    LANGUAGE plpgsql
AS $body$
DECLARE
    result_version integer := _grainstateversion;
    changed        integer;
BEGIN
    IF _grainstateversion IS NOT NULL THEN
        UPDATE OrleansStorage AS s
           SET PayloadBinary = _payloadbinary,
               ModifiedOn    = (now() AT TIME ZONE 'utc'),
               Version       = s.Version + 1
         WHERE s.GrainIdHash     = _grainidhash
           AND s.GrainTypeHash   = _graintypehash
           AND s.GrainIdN0       = _grainidn0
           AND s.GrainIdN1       = _grainidn1
           AND s.GrainTypeString = _graintypestring
           AND s.GrainIdExtensionString IS NOT DISTINCT FROM _grainidextensionstring
           AND s.ServiceId       = _serviceid
           AND s.Version         = _grainstateversion;

        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed > 0 THEN
            result_version := _grainstateversion + 1;
        END IF;
    ELSE
        PERFORM pg_advisory_xact_lock(_grainidhash, _graintypehash);

        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT
             _grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring,
             _grainidextensionstring, _serviceid, _payloadbinary, (now() AT TIME ZONE 'utc'), 1
        WHERE NOT EXISTS (
            SELECT 1
              FROM OrleansStorage AS s
             WHERE s.GrainIdHash     = _grainidhash
               AND s.GrainTypeHash   = _graintypehash
               AND s.GrainIdN0       = _grainidn0
               AND s.GrainIdN1       = _grainidn1
               AND s.GrainTypeString = _graintypestring
               AND s.GrainIdExtensionString IS NOT DISTINCT FROM _grainidextensionstring
               AND s.ServiceId       = _serviceid);

        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed > 0 THEN
            result_version := 1;
        END IF;
    END IF;

    RETURN QUERY SELECT result_version;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('WriteToStorageKey', $q$
    SELECT NewGrainStateVersion FROM writetostorage(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$),

-- A cleared state is a row with PayloadBinary NULL: the provider then treats
-- the grain as having no record but keeps its Version as the ETag.
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, ModifiedOn, Version
      FROM OrleansStorage
     WHERE GrainIdHash     = @GrainIdHash
       AND GrainTypeHash   = @GrainTypeHash
       AND GrainIdN0       = @GrainIdN0
       AND GrainIdN1       = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId       = @ServiceId;
$q$),

-- ClearStateAsync with DeleteStateOnClear = false (the default): keep the
-- row, drop the payload, advance the version.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn    = (now() AT TIME ZONE 'utc'),
           Version       = Version + 1
     WHERE GrainIdHash     = @GrainIdHash
       AND GrainTypeHash   = @GrainTypeHash
       AND GrainIdN0       = @GrainIdN0
       AND GrainIdN1       = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId       = @ServiceId
       AND Version         = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- ClearStateAsync with DeleteStateOnClear = true: remove the row.  Returns
-- old version + 1 so that the provider sees a value different from its ETag.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
     WHERE GrainIdHash     = @GrainIdHash
       AND GrainTypeHash   = @GrainTypeHash
       AND GrainIdN0       = @GrainIdN0
       AND GrainIdN1       = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId       = @ServiceId
       AND Version         = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$);

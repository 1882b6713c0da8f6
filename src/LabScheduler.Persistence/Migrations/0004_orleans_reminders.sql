-- 0004_orleans_reminders.sql
--
-- Creates the reminder store used by the Orleans ADO.NET reminder service
-- (UseAdoNetReminderService):
--   * table OrleansRemindersTable and a ring-range index,
--   * the reminder query keys in OrleansQuery: ReadReminderRowsKey,
--     ReadReminderRowKey, ReadRangeRows1Key, ReadRangeRows2Key,
--     UpsertReminderRowKey, DeleteReminderRowKey, DeleteReminderRowsKey.
--     The provider requires all seven at start-up.
--
-- Follows the public contract of the Orleans ADO.NET reminders provider
-- (Orleans 10.4, invariant "Npgsql").  Parameters, all set by the provider:
--   @ServiceId     ClusterOptions.ServiceId
--   @GrainId       GrainId.ToString(), e.g. "labroom/42"
--   @ReminderName  reminder name
--   @StartTime     first due time (UTC)
--   @Period        period in milliseconds, sent as int or bigint by magnitude
--   @GrainHash     GrainId.GetUniformHashCode() reinterpreted as signed int
--   @BeginHash, @EndHash   ring range, same signed int encoding
--   @Version       the reminder ETag (int)
-- Result columns read by name: GrainId, ReminderName, StartTime, Period,
-- Version (reads); Version (upsert); one integer column (single delete).

CREATE TABLE OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    GrainId      varchar(150)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,

    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName
        PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Range reads (each silo loads the reminders of its hash ring range).
CREATE INDEX IX_RemindersTable_ServiceId_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Insert with Version 0, or overwrite and advance Version; returns Version.
('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable AS r
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, CAST(@Period AS bigint), @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
       SET StartTime = excluded.StartTime,
           Period    = excluded.Period,
           GrainHash = excluded.GrainHash,
           Version   = r.Version + 1
    RETURNING r.Version AS Version;
$q$),

-- All reminders of one grain.
('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainId   = @GrainId;
$q$),

-- One reminder of one grain (zero or one row).
('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId    = @ServiceId
       AND GrainId      = @GrainId
       AND ReminderName = @ReminderName;
$q$),

-- Ring range (@BeginHash, @EndHash] when it does not wrap in signed order
-- (the provider picks this key when (int)begin < (int)end).
('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND GrainHash > @BeginHash
       AND GrainHash <= @EndHash;
$q$),

-- Ring range that wraps: (@BeginHash, max] plus [min, @EndHash].
('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
      FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId
       AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- Deletes one reminder if its Version still equals @Version.
-- Returns one integer column: 1 = deleted, 0 = missing or ETag mismatch.
('DeleteReminderRowKey', $q$
    WITH removed AS (
        DELETE FROM OrleansRemindersTable
         WHERE ServiceId    = @ServiceId
           AND GrainId      = @GrainId
           AND ReminderName = @ReminderName
           AND Version      = @Version
        RETURNING 1
    )
    SELECT CAST(count(*) AS integer) AS row_count FROM removed;
$q$),

-- Deletes every reminder of the service (used by tests / table reset).
('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable
     WHERE ServiceId = @ServiceId;
$q$);

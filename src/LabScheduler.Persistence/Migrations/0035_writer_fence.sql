-- The writer fence (issue 11). A silo paused (SIGSTOP, a long GC, a frozen VM) can be declared dead
-- by the others while it still holds grain activations; their work moves to other silos, and when
-- the paused one resumes it may write once more before it reads the membership table and learns it
-- is dead: two activations of one instrument would both write. So every booking write of a silo
-- first calls this in its own transaction: it reads the silo's own membership row and raises LSF01
-- unless that row says the silo may still own activations (Active, or leaving gracefully:
-- ShuttingDown, Stopping; Orleans' SiloStatus 3, 4, 5). The read is a fresh snapshot (READ
-- COMMITTED), so the first write a resumed zombie attempts after the others declared it dead is
-- refused. It takes no lock: a share lock on that one row, taken by every booking of the silo,
-- cost two thirds of the booking throughput in the benchmark (multixacts on a hot row, and the
-- silo's own IAmAlive update waiting behind them). What that leaves open is a declaration that
-- commits in the milliseconds between this read and the write's commit; a silo that is writing is
-- answering its probes, so it is not being declared dead then, unless it is paused in exactly that gap.
CREATE FUNCTION labsched_writer_fence(deployment varchar, silo_address varchar, silo_port integer, silo_generation integer)
    RETURNS bigint
    LANGUAGE plpgsql
AS $body$
DECLARE
    silo_status integer;
BEGIN
    SELECT m.Status INTO silo_status
      FROM OrleansMembershipTable AS m
     WHERE m.DeploymentId = deployment AND m.Address = silo_address AND m.Port = silo_port AND m.Generation = silo_generation;
    IF silo_status IS NULL OR silo_status NOT IN (3, 4, 5) THEN
        RAISE EXCEPTION 'silo %:% generation % of cluster % may not write (membership status %)',
            silo_address, silo_port, silo_generation, deployment, coalesce(silo_status::text, 'missing')
            USING ERRCODE = 'LSF01';
    END IF;
    RETURN 1;
END
$body$;

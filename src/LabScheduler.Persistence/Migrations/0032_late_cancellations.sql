-- A booker's cancellation later than rules.cancelDeadlineHours before the start is charged like a
-- no-show where no-shows are charged: its ledger row has its own kind.
ALTER TABLE usage_ledger DROP CONSTRAINT usage_ledger_kind_check;
ALTER TABLE usage_ledger ADD CONSTRAINT usage_ledger_kind_check CHECK (kind IN ('usage', 'no-show', 'late-cancellation', 'reversal'));

-- claim_threshold_judgement(measured, threshold, strict, complete, days_after, tolerance_days): the
-- verdict on "a cumulative count passed <threshold> by <date>" from one measurement, and the sentence
-- saying why.
--   measured: the count (NULL = no data); strict: '>' (exceeded) rather than '>=' (passed, reached);
--   complete: the measurement covers the whole scope (otherwise it is a lower bound);
--   days_after: measurement day minus the date the claim speaks of; tolerance_days: how far off a
--   measurement still counts as "at that date" (the claim's tolerance).
-- Cumulative counts only grow, so: above the threshold earlier supports the claim; below it later
-- refutes it (on a complete count); above it later, or below it earlier, or below it on a lower bound,
-- is inconclusive.
-- Returns STRUCT(verdict VARCHAR, note VARCHAR).
CREATE OR REPLACE MACRO claim_threshold_judgement(measured, threshold, strict, complete, days_after, tolerance_days) AS
CASE
    WHEN measured IS NULL THEN {'verdict': 'inconclusive', 'note': ''}
    WHEN CASE WHEN strict THEN measured > threshold ELSE measured >= threshold END THEN
        CASE WHEN days_after > tolerance_days THEN {'verdict': 'inconclusive', 'note': format(
                 'Measured {} days after the date the claim speaks of: a cumulative count above the threshold later '
                 'is only consistent with the claim (it may have crossed the threshold in between).', days_after)}
             WHEN days_after < -tolerance_days THEN {'verdict': 'supported', 'note': format(
                 'Measured {} days before the date the claim speaks of and already above the threshold: cumulative '
                 'counts only grow, so it was above it by then too.', -days_after)}
             ELSE {'verdict': 'supported', 'note': format(
                 'Measured at the snapshot nearest the date the claim speaks of ({} days off, within the claim''s '
                 'tolerance of {} days).', abs(days_after), tolerance_days)}
        END
    WHEN NOT complete THEN {'verdict': 'inconclusive', 'note':
        'The collected models are only part of this scope, so the figure is a lower bound: being below the '
        'threshold cannot refute the claim.'}
    WHEN days_after < -tolerance_days THEN {'verdict': 'inconclusive', 'note': format(
        'Measured {} days before the date the claim speaks of: below the threshold then, it may have crossed it '
        'by that date.', -days_after)}
    WHEN days_after > tolerance_days THEN {'verdict': 'refuted', 'note': format(
        'Measured {} days after the date the claim speaks of: cumulative counts only grow (apart from the Hub''s '
        'own corrections), so a count below the threshold later was below it then too.', days_after)}
    ELSE {'verdict': 'refuted', 'note': format(
        'Measured at the snapshot nearest the date the claim speaks of ({} days off, within the claim''s '
        'tolerance of {} days).', abs(days_after), tolerance_days)}
END;
COMMENT ON MACRO claim_threshold_judgement IS 'claim_threshold_judgement(measured, threshold, strict, complete, days_after, tolerance_days): the verdict on "a cumulative count passed <threshold> by <date>" from one measurement, and the sentence saying why';

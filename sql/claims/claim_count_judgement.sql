-- claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size): the verdict
-- on "<expected> of the top <list_size> are Chinese" from a ranking where `definite` models are known to
-- be Chinese and `unknown` have a maker that is not known (stealth models, uncurated authors): the
-- true count lies between definite and definite + unknown.
-- Supported when it is certainly in [expected_low, expected_high], refuted when it certainly is not,
-- inconclusive when the unknown makers decide it or the ranking is shorter than list_size.
-- Returns STRUCT(verdict VARCHAR, note VARCHAR).
CREATE OR REPLACE MACRO claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size) AS
CASE
    WHEN listed IS NULL OR listed = 0 THEN {'verdict': 'inconclusive', 'note': ''}
    WHEN listed < list_size THEN {'verdict': 'inconclusive', 'note': format(
        'Only {} models are ranked, not {}.', listed, list_size)}
    WHEN unknown = 0 AND definite BETWEEN expected_low AND expected_high THEN {'verdict': 'supported', 'note': ''}
    WHEN definite > expected_high OR definite + unknown < expected_low THEN {'verdict': 'refuted', 'note':
        CASE WHEN unknown > 0 THEN format(
            'Whoever makes the {} model(s) of unknown maker, the count stays outside the claim.', unknown)
        ELSE '' END}
    ELSE {'verdict': 'inconclusive', 'note': format(
        '{} model(s) of unknown maker (stealth or not curated) decide it: between {} and {} are Chinese.',
        unknown, definite, definite + unknown)}
END;
COMMENT ON MACRO claim_count_judgement IS 'claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size): the verdict on "<expected> of the top <list_size> are Chinese" from a ranking where `definite` models are known to be Chinese and `unknown` have a maker that is not known (stealth models, uncurated authors): the true count lies between definite and definite + unknown';

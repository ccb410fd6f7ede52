-- claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size): the verdict
-- on "<expected> of the top <list_size> are Chinese" from a ranking where `definite` models are known to
-- be Chinese, `unknown` have a maker that is not known (stealth models, uncurated authors), and
-- list_size - listed positions are not ranked at all (a short ranking: each missing model may or may
-- not be Chinese). The true count lies between definite and definite + unknown + missing.
-- Supported when every count in that range is in [expected_low, expected_high], refuted when none is,
-- inconclusive otherwise (the note gives the range).
-- Returns STRUCT(verdict VARCHAR, note VARCHAR).
CREATE OR REPLACE MACRO claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size) AS
CASE
    WHEN listed IS NULL OR listed = 0 THEN {'verdict': 'inconclusive', 'note': ''}
    WHEN definite >= expected_low AND definite + unknown + greatest(list_size - listed, 0) <= expected_high
        THEN {'verdict': 'supported', 'note': CASE WHEN listed < list_size THEN format(
            'Only {} models are ranked, not {}: whatever the missing ones are, the count stays within the claim.',
            listed, list_size) ELSE '' END}
    WHEN definite > expected_high OR definite + unknown + greatest(list_size - listed, 0) < expected_low
        THEN {'verdict': 'refuted', 'note': concat_ws(' ',
            CASE WHEN listed < list_size THEN format('Only {} models are ranked, not {}: the count is between {} and {} '
                 'whatever the missing ones are.', listed, list_size, definite,
                 definite + unknown + greatest(list_size - listed, 0)) END,
            CASE WHEN unknown > 0 THEN format(
                'Whoever makes the {} model(s) of unknown maker, the count stays outside the claim.', unknown) END)}
    ELSE {'verdict': 'inconclusive', 'note': concat_ws(' ',
        CASE WHEN unknown > 0 THEN format('{} model(s) of unknown maker (stealth or not curated) decide it.', unknown) END,
        CASE WHEN listed < list_size THEN format('Only {} models are ranked, not {}.', listed, list_size) END,
        format('Between {} and {} are Chinese.', definite, definite + unknown + greatest(list_size - listed, 0)))}
END;
COMMENT ON MACRO claim_count_judgement IS 'claim_count_judgement(definite, unknown, listed, expected_low, expected_high, list_size): the verdict on "<expected> of the top <list_size> are Chinese" from a ranking where `definite` models are known to be Chinese, `unknown` have a maker that is not known (stealth models, uncurated authors), and list_size - listed positions are not ranked at all';

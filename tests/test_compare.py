"""Pilot vs rest: estimate, randomisation inference, interval, calibration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import compare, simulation

BASE, POST = "2016-H2", "2018-H2"


def _panel(changes: dict[str, tuple[str, bool, float]], base_level: float = 50.0) -> pd.DataFrame:
    """Long panel from {unit_id: (block, is_pilot, change)}; baseline level varies by unit."""
    rows = []
    for i, (uid, (block, pilot, change)) in enumerate(changes.items()):
        level = base_level + i
        rows.append({"unit_id": uid, "period": BASE, "block": block, "is_pilot": pilot, "y": level})
        rows.append({"unit_id": uid, "period": POST, "block": block, "is_pilot": pilot, "y": level + change})
    return pd.DataFrame(rows)


SMALL = {
    "a1": ("K1", True, 10.0), "a2": ("K1", False, 2.0), "a3": ("K1", False, 4.0), "a4": ("K1", False, 0.0),
    "b1": ("K2", True, 6.0), "b2": ("K2", False, 1.0), "b3": ("K2", False, 5.0),
    "c1": ("K3", True, -1.0), "c2": ("K3", False, 3.0), "c3": ("K3", False, -4.0), "c4": ("K3", False, 2.0),
    "c5": ("K3", False, 0.0),
}


def _brute_force_stats(changes: dict, tau: float = 0.0, studentise: bool = True) -> tuple[float, np.ndarray]:
    """Observed and all-assignment equal-weight stratified DiD, with tau taken off pilots,
    studentised by the spread of the block differences (sd / sqrt(B)) unless told not to."""
    blocks: dict[str, list[tuple[float, bool]]] = {}
    for block, pilot, change in changes.values():
        blocks.setdefault(block, []).append((change - tau * pilot, pilot))

    def did(assign):
        diffs = []
        for (_block, members), chosen in zip(blocks.items(), assign):
            y = np.array([m[0] for m in members])
            z = np.zeros(len(y), bool)
            z[list(chosen)] = True
            diffs.append(y[z].mean() - y[~z].mean())
        diffs = np.array(diffs)
        if not studentise:
            return float(diffs.mean())
        se = diffs.std(ddof=1) / math.sqrt(len(diffs))
        return float(diffs.mean() / se) if se > 1e-12 else math.copysign(math.inf, diffs.mean())

    observed = did([[i for i, m in enumerate(mem) if m[1]] for mem in blocks.values()])
    choices = [list(itertools.combinations(range(len(mem)), sum(m[1] for m in mem))) for mem in blocks.values()]
    return observed, np.array([did(a) for a in itertools.product(*choices)])


def test_pilot_effect__estimate_is_mean_over_blocks_of_pilot_minus_rest_change():
    result = compare.pilot_effect(_panel(SMALL), "y", baseline=BASE, post=POST)
    expected = np.mean([10 - 2.0, 6 - 3.0, -1 - 0.25])
    assert result.estimate == pytest.approx(expected)
    assert (result.n_pilot, result.n_rest, result.n_blocks) == (3, 9, 3)
    assert result.exact and result.n_assignments == 4 * 3 * 5


def test_pilot_effect__exact_p_value_equals_brute_force_enumeration():
    result = compare.pilot_effect(_panel(SMALL), "y", baseline=BASE, post=POST)
    observed, stats = _brute_force_stats(SMALL)
    expected = np.mean(np.abs(stats) >= abs(observed) - 1e-9)
    assert result.p_value == pytest.approx(expected)
    assert result.p_value >= 1 / result.n_assignments


def test_pilot_effect__interval_ends_where_sharp_null_starts_being_rejected():
    changes = {k: (b, p, c + (8.0 if p else 0.0)) for k, (b, p, c) in SMALL.items()}
    result = compare.pilot_effect(_panel(changes), "y", baseline=BASE, post=POST)
    assert result.ci_low < result.estimate < result.ci_high

    def p_at(tau):
        observed, stats = _brute_force_stats(changes, tau)
        return np.mean(np.abs(stats) >= abs(observed) - 1e-9)

    eps = 1e-4
    assert p_at(result.ci_low + eps) > 0.05 >= p_at(result.ci_low - eps)
    assert p_at(result.ci_high - eps) > 0.05 >= p_at(result.ci_high + eps)


def test_pilot_effect__unstudentised_p_value_equals_brute_force_difference_in_means():
    result = compare.pilot_effect(_panel(SMALL), "y", baseline=BASE, post=POST, studentise=False)
    observed, stats = _brute_force_stats(SMALL, studentise=False)
    assert result.p_value == pytest.approx(np.mean(np.abs(stats) >= abs(observed) - 1e-9))


def test_pilot_effect__ancova_recovers_effect_when_change_depends_on_baseline():
    # change = -0.5 x (baseline - block mean) + 3 on pilots: DiD is pulled by the pilots'
    # high baseline (regression to the mean), the baseline-adjusted estimate is exact.
    rng = np.random.default_rng(1)
    rows = []
    for b in range(5):
        base = 50 + rng.normal(0, 10, 8)
        pilot = np.zeros(8, bool)
        pilot[int(np.argmax(base))] = True
        change = -0.5 * (base - base.mean()) + 3.0 * pilot
        for i in range(8):
            uid = f"K{b}U{i}"
            rows.append({"unit_id": uid, "period": BASE, "block": f"K{b}", "is_pilot": pilot[i], "y": base[i]})
            rows.append({"unit_id": uid, "period": POST, "block": f"K{b}", "is_pilot": pilot[i],
                         "y": base[i] + change[i]})
    panel = pd.DataFrame(rows)
    did = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, method="did", mc_draws=2000)
    adj = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, method="ancova", mc_draws=2000)
    assert adj.estimate == pytest.approx(3.0, abs=1e-9)
    assert did.estimate < 0  # the pilots' lucky baseline drags the plain change down
    assert adj.kind == "ancova" and "ANCOVA" in adj.method


def test_pilot_effect__interval_unbounded_with_too_few_assignments_is_infinite():
    tiny = {"a1": ("K1", True, 5.0), "a2": ("K1", False, 1.0), "b1": ("K2", True, 4.0), "b2": ("K2", False, 0.0)}
    result = compare.pilot_effect(_panel(tiny), "y", baseline=BASE, post=POST)
    assert result.n_assignments == 4
    assert result.ci_low == -math.inf and result.ci_high == math.inf


def test_pilot_effect__finite_interval_kept_inside_the_possible_range():
    changes = {k: (b, p, c + (30.0 if p else 0.0)) for k, (b, p, c) in SMALL.items()}
    panel = _panel(changes, base_level=60.0)
    free = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    bounded = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, bounds=(0.0, 100.0))
    pilot_post = np.mean([panel[(panel.unit_id == u) & (panel.period == POST)]["y"].iloc[0]
                          for u in ("a1", "b1", "c1")])
    assert bounded.ci_high <= pilot_post + 1e-9
    assert bounded.ci_low >= pilot_post - 100.0 - 1e-9
    assert bounded.estimate == free.estimate


def test_adjust_pvalues__declared_family_size_counts_members_without_p():
    p = np.array([0.01, np.nan, 0.04])
    assert compare.adjust_pvalues(p, "holm", m=4)[0] == pytest.approx(0.04)
    assert compare.adjust_pvalues(p, "holm")[0] == pytest.approx(0.02)


def test_pilot_effect__long_tidy_and_wide_panels_give_the_same_result():
    long = _panel(SMALL)
    tidy = long.rename(columns={"y": "value"}).assign(indicator="y")
    wide = long.pivot(index=["unit_id", "block", "is_pilot"], columns="period", values="y").reset_index()
    wide.columns.name = None
    results = [compare.pilot_effect(p, "y", baseline=BASE, post=POST) for p in (long, tidy, wide)]
    assert results[0] == results[1] == results[2]


def test_pilot_effect__custom_column_names():
    panel = _panel(SMALL).rename(columns={"unit_id": "u", "period": "t", "is_pilot": "d", "block": "k"})
    result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, unit_col="u", period_col="t",
                                  pilot_col="d", block_col="k")
    assert result == compare.pilot_effect(_panel(SMALL), "y", baseline=BASE, post=POST)


def test_pilot_effect__units_missing_outcome_are_dropped_and_counted():
    panel = _panel(SMALL)
    panel.loc[(panel["unit_id"] == "a2") & (panel["period"] == POST), "y"] = np.nan
    panel.loc[(panel["unit_id"] == "c5") & (panel["period"] == BASE), "y"] = np.nan
    result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    assert (result.n_pilot, result.n_rest, result.n_dropped) == (3, 7, 2)
    expected = np.mean([10 - 2.0, 6 - 3.0, -1 - 1 / 3])
    assert result.estimate == pytest.approx(expected)


def test_pilot_effect__block_whose_pilot_lacks_data_is_dropped_and_reported():
    panel = _panel(SMALL)
    panel.loc[(panel["unit_id"] == "b1") & (panel["period"] == POST), "y"] = np.nan
    result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    assert result.blocks_dropped == ("K2",)
    assert (result.n_pilot, result.n_rest, result.n_blocks) == (2, 7, 2)


def test_pilot_effect__no_usable_block_gives_missing_result_not_error():
    panel = _panel({"a1": ("K1", True, 1.0), "b1": ("K2", False, 2.0)})
    result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    assert math.isnan(result.estimate) and math.isnan(result.p_value)
    assert result.method == "insufficient data"


def test_pilot_effect__duplicate_unit_period_rows_are_refused():
    panel = _panel(SMALL)
    with pytest.raises(ValueError, match="more than one row"):
        compare.pilot_effect(pd.concat([panel, panel.iloc[:1]]), "y", baseline=BASE, post=POST)


def test_pilot_effect__monte_carlo_above_limit_is_seeded_and_close_to_exact():
    panel = simulation.simulate_panel(1, n_units=35, n_blocks=5, effect=3.0)
    exact = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    mc = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, exact_limit=100, mc_draws=4000, seed=7)
    again = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, exact_limit=100, mc_draws=4000, seed=7)
    assert exact.exact and not mc.exact
    assert mc == again
    assert mc.n_draws == 4000 and mc.mc_se > 0
    assert abs(mc.p_value - exact.p_value) < 4 * mc.mc_se + 1e-3
    assert "Monte Carlo" in mc.method and "exact" in exact.method


def test_level_gap__sees_pilots_already_better_at_baseline():
    panel = simulation.simulate_panel(4, effect=0.0)
    panel.loc[panel["is_pilot"], "y"] += 25.0
    gap = compare.level_gap(panel, "y", BASE, mc_draws=2000)
    assert gap.kind == "level" and gap.baseline is None
    assert gap.ci_low > 0 and gap.p_value < 0.01
    did = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, mc_draws=2000)
    assert did.ci_low < 0 < did.ci_high  # a constant gap is not a change: DiD does not see it


def test_event_study__baseline_row_is_zero_and_later_gap_shows_effect():
    periods = (BASE, "2017-H1", "2017-H2", "2018-H1", POST)
    panel = simulation.simulate_panel(5, periods=periods, effect=0.0, noise_sd=1.0)
    late = panel["is_pilot"] & (panel["period"] == POST)
    panel.loc[late, "y"] += 15.0
    study = compare.event_study(panel, "y", BASE, periods, mc_draws=2000)
    assert list(study["period"]) == list(periods)
    base = study[study["is_baseline"]].iloc[0]
    assert base["estimate"] == 0 and math.isnan(base["ci_low"])
    assert study.iloc[-1]["ci_low"] > 0
    assert (study.iloc[1:4]["ci_low"] < 0).all()


def test_per_block__descriptive_did_with_counts():
    out = compare.per_block(_panel(SMALL), "y", BASE, POST)
    expected = pd.DataFrame({
        "block": ["K1", "K2", "K3"], "outcome": "y", "pilot_units": ["a1", "b1", "c1"],
        "n_pilot": [1, 1, 1], "n_rest": [3, 2, 4], "n_dropped": [0, 0, 0],
        "pilot_change": [10.0, 6.0, -1.0], "rest_change": [2.0, 3.0, 0.25],
        "did": [8.0, 3.0, -1.25], "included": [True, True, True]})
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_adjust_pvalues__holm_and_benjamini_hochberg_known_values():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.005])
    np.testing.assert_allclose(compare.adjust_pvalues(p, "holm"), [0.03, 0.06, 0.06, np.nan, 0.02])
    np.testing.assert_allclose(compare.adjust_pvalues(p, "bh"), [0.02, 0.04, 0.04, np.nan, 0.02])


def _calibration(n_sims: int, mc_draws: int, seed: int) -> tuple[float, float]:
    """Share of null panels rejected at 5%, and coverage of the true effect (5 points)."""
    rejected = covered = 0
    for i in range(n_sims):
        null = simulation.simulate_panel(seed + i, effect=0.0)
        r = compare.pilot_effect(null, "y", baseline=BASE, post=POST, mc_draws=mc_draws, seed=i)
        rejected += r.p_value <= 0.05
        shifted = simulation.simulate_panel(seed + i, effect=5.0)
        r = compare.pilot_effect(shifted, "y", baseline=BASE, post=POST, mc_draws=mc_draws, seed=i)
        covered += r.ci_low <= 5.0 <= r.ci_high
    return rejected / n_sims, covered / n_sims


def test_calibration__few_simulations_reject_about_5_percent_and_cover():
    rate, coverage = _calibration(n_sims=200, mc_draws=499, seed=10_000)
    assert 0.01 <= rate <= 0.10
    assert coverage >= 0.90


@pytest.mark.slow
def test_calibration__1000_simulations_reject_3_to_7_percent_and_cover_93_percent():
    rate, coverage = _calibration(n_sims=1000, mc_draws=1999, seed=20_000)
    assert 0.03 <= rate <= 0.07
    assert coverage >= 0.93


def test_pilot_effect__unit_weights_weigh_blocks_by_their_size():
    result = compare.pilot_effect(_panel(SMALL), "y", baseline=BASE, post=POST, weights="units")
    expected = (4 * (10 - 2.0) + 3 * (6 - 3.0) + 5 * (-1 - 0.25)) / 12
    assert result.estimate == pytest.approx(expected) and result.weights == "units"


def test_pilot_effect__monte_carlo_p_never_zero():
    panel = _panel({k: (b, p, c + (100.0 if p else 0.0)) for k, (b, p, c) in SMALL.items()})
    result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, exact_limit=10, mc_draws=99)
    assert result.p_value >= 1 / 100 and not result.exact


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pilot_effect__adding_a_constant_effect_shifts_estimate_and_interval_by_it(seed):
    panel = simulation.simulate_panel(seed, n_units=30, n_blocks=5)
    shifted = panel.copy()
    shifted.loc[shifted["is_pilot"] & (shifted["period"] == POST), "y"] += 7.5
    shifted["y"] += np.where(shifted["unit_id"] == "U001", 100.0, 0.0)  # unit levels cancel out
    a = compare.pilot_effect(panel, "y", baseline=BASE, post=POST)
    b = compare.pilot_effect(shifted, "y", baseline=BASE, post=POST)
    assert b.estimate == pytest.approx(a.estimate + 7.5)
    assert b.ci_low == pytest.approx(a.ci_low + 7.5, abs=1e-6)
    assert b.ci_high == pytest.approx(a.ci_high + 7.5, abs=1e-6)


def test_unit_table__wide_panel_with_outcome_period_column_pairs():
    long = _panel(SMALL)
    wide = long.pivot(index=["unit_id", "block", "is_pilot"], columns="period", values="y")
    wide.columns = pd.MultiIndex.from_tuples([("y", p) for p in wide.columns])
    wide = wide.reset_index()
    wide.columns = [c if c[1] else c[0] for c in wide.columns]
    result = compare.pilot_effect(wide, "y", baseline=BASE, post=POST)
    assert result == compare.pilot_effect(long, "y", baseline=BASE, post=POST)


# ------------------------------------------------------------------ level gap


def _level_panel(pilot_values, rest_values) -> pd.DataFrame:
    """Blocks K0…K(n−1), each with one pilot (its value from ``pilot_values``) and the rest."""
    rows = []
    for b, (pv, rv) in enumerate(zip(pilot_values, rest_values)):
        rows.append({"unit_id": f"K{b}P", "period": "2016-H2", "block": f"K{b}", "is_pilot": True, "y": pv})
        for i, v in enumerate(rv):
            rows.append({"unit_id": f"K{b}U{i}", "period": "2016-H2", "block": f"K{b}", "is_pilot": False, "y": v})
    return pd.DataFrame(rows)


def test_level_gap__nothing_varies_is_not_comparable_without_interval():
    panel = _level_panel([0.0] * 5, [[0.0] * 6] * 5)
    r = compare.level_gap(panel, "y", "2016-H2", bounds=(0.0, 100.0))
    assert "cùng giá trị" in r.not_comparable_vi
    assert math.isnan(r.ci_low) and math.isnan(r.ci_high) and math.isnan(r.p_value)


def test_level_gap__perfect_separation_is_not_comparable_with_its_reason():
    panel = _level_panel([100.0] * 5, [[0.0, 10.0, 20.0, 30.0]] * 5)
    r = compare.level_gap(panel, "y", "2016-H2", bounds=(0.0, 100.0))
    assert "tách biệt hoàn toàn" in r.not_comparable_vi and math.isnan(r.ci_low)
    assert r.estimate == pytest.approx(85.0)  # the groups are still described


def test_level_gap__interval_ends_stay_inside_what_the_range_allows():
    rng = np.random.default_rng(1)
    panel = _level_panel(rng.uniform(0, 100, 3), [rng.uniform(0, 100, 2) for _ in range(3)])
    r = compare.level_gap(panel, "y", "2016-H2", bounds=(0.0, 100.0), exact_limit=10_000)
    for end in (r.ci_low, r.ci_high):
        assert math.isinf(end) or -100.0 <= end <= 100.0
    assert r.not_comparable_vi == ""


# ------------------------------------------------------------ the shared Monte Carlo draws (issue 27)


def test_drawn_pilots__the_k_smallest_keys_of_one_stream_chunked_or_not(monkeypatch):
    sizes = ((9, 1), (12, 3), (7, 2))
    monkeypatch.setattr(compare, "_DRAWS_CACHE", type(compare._DRAWS_CACHE)())
    whole = compare._drawn_pilots(5, 40, sizes)
    # the keys of the old single draw: block after block, from one default_rng(5) stream
    rng = np.random.default_rng(5)
    for (n, k), chosen in zip(sizes, whole):
        keys = rng.random((40, n))
        expected = np.argsort(keys, axis=1, kind="stable")[:, :k]
        assert chosen.shape == (40, k)
        assert (np.sort(chosen, axis=1) == np.sort(expected, axis=1)).all()
    # drawn 3 keys at a time: the same stream, the same pilots
    monkeypatch.setattr(compare, "_DRAWS_CACHE", type(compare._DRAWS_CACHE)())
    monkeypatch.setattr(compare, "_KEY_CHUNK", 30)
    chunked = compare._drawn_pilots(5, 40, sizes)
    assert all((np.sort(a, axis=1) == np.sort(b, axis=1)).all() for a, b in zip(whole, chunked))


def test_drawn_pilots__kept_for_the_next_engine_and_bounded(monkeypatch):
    monkeypatch.setattr(compare, "_DRAWS_CACHE", type(compare._DRAWS_CACHE)())
    first = compare._drawn_pilots(1, 100, ((10, 1), (8, 2)))
    assert compare._drawn_pilots(1, 100, ((10, 1), (8, 2))) is first  # same seed, draws, sizes: reused
    assert compare._drawn_pilots(2, 100, ((10, 1), (8, 2))) is not first  # another seed: drawn again
    assert not first[0].flags.writeable
    # over the byte budget the oldest entries go, and a draw larger than the budget is not kept
    monkeypatch.setattr(compare, "_DRAWS_CACHE_BYTES", 1000)
    compare._drawn_pilots(3, 100, ((10, 1),))  # 400 bytes of int32
    compare._drawn_pilots(4, 100, ((10, 1),))
    compare._drawn_pilots(6, 100, ((10, 1),))
    assert sum(a.nbytes for v in compare._DRAWS_CACHE.values() for a in v) <= 1000
    compare._drawn_pilots(7, 1000, ((10, 2),))  # 8.000 bytes
    assert (7, 1000, ((10, 2),)) not in compare._DRAWS_CACHE


def test_monte_carlo_p__one_pilot_per_block_same_as_a_units_wide_membership_matrix():
    """With one pilot per block the pilots' sum is the pilot's own value, so the gathered
    sums equal the old ``member @ u`` product exactly (the sample report stays byte-identical)."""
    rng = np.random.default_rng(0)
    changes = {f"{b}{i}": (b, i == 0, float(rng.normal(2.0 if i == 0 else 0.0, 3.0)))
               for b in "ABCDEFG" for i in range(9)}
    panel = _panel(changes)
    res = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, exact_limit=10, mc_draws=500, seed=3)
    engine_rng = np.random.default_rng(3)
    data = panel.pivot(index="unit_id", columns="period", values="y")
    info = panel.drop_duplicates("unit_id").set_index("unit_id")
    du = []
    for b in sorted(set(info["block"])):
        ids = info.index[info["block"] == b]
        u = (data.loc[ids, POST] - data.loc[ids, BASE]).to_numpy()
        keys = engine_rng.random((500, len(ids)))
        member = (keys <= np.partition(keys, 0, axis=1)[:, 0:1]).astype(float)
        du.append((len(ids) / (len(ids) - 1)) * (member @ u) - u.sum() / (len(ids) - 1))
    d = np.column_stack(du)
    mean, w = d.mean(axis=1), np.full(7, 1 / 7)
    se = np.sqrt(7 / 6 * (((d - mean[:, None]) ** 2) @ (w * w)))
    observed = res.estimate / res.se
    count = int(np.count_nonzero(np.abs(mean / se) >= abs(observed) - 1e-9 * max(1.0, abs(observed))))
    assert res.p_value == (1 + count) / 501

"""Personal data: pseudonyms are stable; names and phones never reach logs or error messages."""

from __future__ import annotations

import logging
import shutil

import pandas as pd
import pytest

import orggraph as og
from orggraph.cli import main
from orggraph.privacy import personal_values


def test_pseudonyms_are_stable_per_salt_and_person():
    g = og.load_sample("jiaohe")
    a, b, c = g.pseudonymize("s1"), og.load_sample("jiaohe").pseudonymize("s1"), g.pseudonymize("s2")
    assert a.equals(b)
    na, nc = a.nodes("Cadre").set_index("id")["name"], c.nodes("Cadre").set_index("id")["name"]
    assert (na != nc).all()                         # another salt, other pseudonyms
    assert na.is_unique                              # one person, one pseudonym; no two people share one
    assert not (set(na) & personal_values(g))        # nothing of the original is left
    assert not (set(a.nodes("Cadre")["phone"].dropna()) & personal_values(g))
    assert g.nodes("Cadre")["name"].iloc[0] not in set(na)  # the baseline is unchanged
    # everything else is untouched
    assert a.edges("HOLDS_POST").equals(g.edges("HOLDS_POST"))
    assert a.nodes("Cadre")[["id", "gender", "birth_year", "party_member"]].equals(g.nodes("Cadre")[["id", "gender", "birth_year", "party_member"]])


def test_extra_personal_columns_are_dropped():
    g = og.OrgGraph()
    g.add_node("Cadre", "p1", name="王一", phone="13800000001", id_card="370102199001011234")
    p = g.pseudonymize("salt")
    assert "id_card" not in p.nodes("Cadre").columns
    with pytest.raises(ValueError):
        g.pseudonymize("")


def test_cli_export_pseudonymized(tmp_path, capsys):
    assert main(["export", "--sample", "jiaohe", "--out", str(tmp_path / "out"), "--pseudonymize", "--salt", "k"]) == 0
    text = (tmp_path / "out" / "cadres.csv").read_text(encoding="utf-8")
    secrets = personal_values(og.load_sample("jiaohe"))
    assert not any(s in text for s in secrets)
    assert og.read_ledger(tmp_path / "out").equals(og.load_sample("jiaohe").pseudonymize("k"))


def test_no_name_or_phone_in_logs_or_errors(tmp_path, caplog, capsys):
    """Load, audit, export and break a sample with every log level on, then scan all that was said."""
    secrets = personal_values(og.load_sample("xiaonan"))
    assert len(secrets) > 9000
    said: list[str] = []
    with caplog.at_level(logging.DEBUG):
        g = og.read_ledger(og.sample_path("xiaonan"))
        g.audit(as_of="2022-01-01")
        main(["-v", "audit", "--sample", "xiaonan", "--as-of", "2022-01-01", "--pseudonymize", "--salt", "x",
              "--out", str(tmp_path / "report.xlsx")])
        # a broken copy: a duplicated cadre, a bad party-membership value, a bad phone-holder reference
        broken = tmp_path / "broken"
        shutil.copytree(og.sample_path("xiaonan"), broken)
        cadres = pd.read_csv(broken / "cadres.csv", dtype=str)
        cadres.loc[1, "id"] = cadres.loc[0, "id"]
        cadres.loc[2, "party_member"] = cadres.loc[2, "name"]      # a name where a yes/no belongs
        cadres.loc[3, "birth_year"] = cadres.loc[3, "phone"] + "x"  # a phone where a year belongs
        cadres.to_csv(broken / "cadres.csv", index=False)
        with pytest.raises(og.LedgerError) as info:
            og.read_ledger(broken)
        said += [str(info.value), info.value.problems.to_string()]
        main(["validate", str(broken)])
    out = capsys.readouterr()
    said += [r.getMessage() for r in caplog.records] + [out.out, out.err]
    # 3 in cadres.csv, and the post and the membership (memberships.csv) of the person whose id was
    # overwritten now point nowhere
    assert len(info.value.problems) == 5
    leaks = {s for s in secrets for text in said if s in text}
    assert not leaks, f"personal data in output: {sorted(leaks)[:5]}"

"""Personal data: pseudonyms are stable; names and phones never reach logs or error messages."""

from __future__ import annotations

import logging
import shutil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import orggraph as og
from orggraph.cli import main
from orggraph.privacy import personal_values

from fixtures.secrets import found_in


def test_pseudonyms_are_stable_per_salt_and_person():
    g = og.load_sample("jiaohe")
    a, b, c = g.pseudonymize("s1"), og.load_sample("jiaohe").pseudonymize("s1"), g.pseudonymize("s2")
    assert a.equals(b)
    # nodes() come in id order, and the ids are pseudonymised too: the store keeps the ledger's order
    ga, aa, ca = (x.store.node_frame("Cadre") for x in (g, a, c))
    na, nc = aa["name"], ca["name"]  # the same people in the same order
    assert (na != nc).all()                         # another salt, other pseudonyms
    assert na.is_unique                              # one person, one pseudonym; no two people share one
    assert not (set(na) & personal_values(g))        # nothing of the original is left
    assert not (set(aa["phone"].dropna()) & personal_values(g))
    assert ga["name"].iloc[0] not in set(na)  # the baseline is unchanged
    # ids are salted too (the source ledger cannot link a pseudonym back), and stable per salt
    ids = dict(zip(ga["id"], aa["id"]))
    assert not set(ids) & set(ids.values()) and len(set(ids.values())) == len(ids)
    assert (ca["id"] != aa["id"]).all()
    # everything else is untouched: the posts are the same posts, of the renamed people
    posts = g.edges("HOLDS_POST").assign(source=lambda f: f["source"].map(ids).astype(object))
    assert a.edges("HOLDS_POST").equals(posts)
    cols = ["gender", "birth_year", "party_member"]
    assert aa[cols].reset_index(drop=True).equals(ga[cols].reset_index(drop=True))


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


def _ledger_with_personal_extras(tmp_path):
    """qixia with 姓名/联系电话/身份证号 typed into the posts, as departments' sheets often have them."""
    src = tmp_path / "src"
    shutil.copytree(og.sample_path("qixia"), src, ignore=shutil.ignore_patterns("before", "scenarios"))
    cadres = pd.read_csv(src / "cadres.csv", dtype=str)
    posts = pd.read_csv(src / "posts.csv", dtype=str)
    who = cadres.set_index("id")
    posts["姓名"] = posts["cadre_id"].map(who["name"])
    posts["联系电话"] = posts["cadre_id"].map(who["phone"])
    posts["身份证号"] = "37068619900101" + posts.index.astype(str).str.zfill(4)
    posts.to_csv(src / "posts.csv", index=False)
    return src


def test_every_personal_field_wherever_it_appears(tmp_path):
    src = _ledger_with_personal_extras(tmp_path)
    g = og.read_ledger(src)
    secrets_ = personal_values(g) | set(g.nodes("Cadre")["id"]) | set(g.edges("HOLDS_POST")["身份证号"])
    # names inside other names: qixia's 党员中心户 are named after their household
    households = g.nodes("PartyOrg").query("level == 'household'")["name"]
    inside = {n for n in personal_values(g) if any(n in h for h in households)}
    assert len(inside) >= 8
    p = g.pseudonymize("k")
    out = tmp_path / "out"
    p.write_ledger(out)
    text = "\n".join(f.read_text(encoding="utf-8") for f in out.glob("*.csv"))
    leaks = {s for s in secrets_ if s in text}
    assert not leaks, sorted(leaks)[:5]
    posts = p.edges("HOLDS_POST")
    assert "身份证号" not in posts.columns
    # the 姓名 typed into the posts is the pseudonym of the post's cadre, the phone the cadre's phone pseudonym
    cad = p.nodes("Cadre").set_index("id")
    assert (posts["姓名"] == posts["source"].map(cad["name"])).all()
    assert (posts["联系电话"] == posts["source"].map(cad["phone"])).all()
    # a household's name keeps its place and now carries its cadre's pseudonym
    assert p.nodes("PartyOrg").query("level == 'household'")["name"].str.contains("人员-").sum() >= 8
    # same salt, same pseudonyms, run after run; no salt: a random one
    assert og.read_ledger(src).pseudonymize("k").equals(p)
    assert not og.read_ledger(src).pseudonymize().equals(p)


def test_a_name_typed_as_a_cadre_id_is_not_echoed(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(og.sample_path("jiaohe"), src)
    posts = pd.read_csv(src / "posts.csv", dtype=str)
    name = pd.read_csv(src / "cadres.csv", dtype=str).loc[0, "name"]
    posts.loc[3, "cadre_id"] = name
    posts.loc[4, "cadre_id"] = "13912345678"
    posts.loc[5, "cadre_id"] = "jh-p9999"  # an id-like typo is shown: it helps and is no personal data
    posts.to_csv(src / "posts.csv", index=False)
    problems = og.check_ledger(src)
    rows = problems[problems["column"] == "cadre_id"]
    assert list(rows["row"]) == [5, 6, 7]
    assert list(rows["value"]) == ["<personal data>", "<personal data>", "jh-p9999"]
    assert name not in problems.to_string() and "13912345678" not in problems.to_string()


@pytest.mark.slow
def test_no_original_name_or_phone_in_any_pseudonymised_output_of_a_district(tmp_path):
    """孝南区 (7,203 people) with 姓名 and 联系电话 typed into the posts: every file the CLI writes is scanned.

    The HTML report and the ledger workbook are scanned on a small hostile ledger in test_outputs_hostile.py
    (they hold the same values; here they would only add minutes)."""
    import html
    import zipfile

    src = tmp_path / "src"
    shutil.copytree(og.sample_path("xiaonan"), src)
    cadres = pd.read_csv(src / "cadres.csv", dtype=str).set_index("id")
    posts = pd.read_csv(src / "posts.csv", dtype=str)
    posts["姓名"] = posts["cadre_id"].map(cadres["name"])
    posts["联系电话"] = posts["cadre_id"].map(cadres["phone"])
    posts.to_csv(src / "posts.csv", index=False)
    secrets_ = {v for v in set(cadres["name"]) | set(cadres["phone"].dropna()) if len(v) >= 2}
    assert len(secrets_) > 14_000
    outs = []
    for out in ("audit.xlsx", "audit_csv"):
        assert main(["audit", str(src), "--as-of", "2022-01-01", "--pseudonymize", "--salt", "k",
                     "--out", str(tmp_path / out)]) == 2
        outs.append(tmp_path / out)
    assert main(["export", str(src), "--pseudonymize", "--salt", "k", "--out", str(tmp_path / "ledger_csv")]) == 0
    outs.append(tmp_path / "ledger_csv")

    def text(path):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                return html.unescape("".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")))
        return path.read_text(encoding="utf-8-sig")

    files = [f for o in outs for f in ([o] if o.is_file() else sorted(o.glob("*.csv")))]
    everything = "\n".join(text(f) for f in files)
    assert "人员-" in everything and "电话-" in everything
    leaks = found_in(secrets_, everything)
    assert not leaks, f"{len(leaks)} personal values survive, e.g. {sorted(leaks)[:5]}"


@given(secrets=st.lists(st.text(alphabet="张王李-1 3", min_size=1, max_size=4), max_size=8),
       text=st.text(alphabet="张王李-1 3\n,", max_size=60))
def test_the_fast_secret_scan_finds_exactly_what_a_plain_search_finds(secrets, text):
    assert found_in(secrets, text) == {s for s in secrets if s in text}

"""Ingest: every input type end to end, and every kind of bad input rejected with a reason."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from tests.conftest import DATA, run_cli

import crosswire

INPUTS = DATA / "inputs"


def test_html_page_main_text_and_metadata(cw) -> None:
    summary = cw.ingest([str(INPUTS / "page_tr.html")])
    assert summary.stored == 1 and not summary.rejected
    a = cw.article(summary.article_ids[0])
    assert a.title == "Malatya'da 6,1 büyüklüğünde deprem"
    assert a.source == "Ege Kıyısı Gazetesi"
    assert a.url == "https://egekiyisi.example/gundem/malatya-deprem-61"
    assert a.published is not None and a.published.isoformat() == "2024-10-16T05:40:00+00:00"
    assert a.language == "tr"
    assert "37 kişi hafif yaralandı" in a.text
    for junk in ("Ana sayfa", "Yorum yap", "çerez", "İlgili haberler", "Tüm hakları saklıdır"):
        assert junk not in a.text
    assert a.path and a.path.endswith("page_tr.html")


def test_broken_html_still_gives_text(cw) -> None:
    summary = cw.ingest([str(INPUTS / "broken.html")])
    assert summary.stored == 1, summary.rejected
    a = cw.article(summary.article_ids[0])
    assert "About 200 homes were flooded" in a.text
    assert "Schools will stay closed" in a.text


def test_text_and_markdown_titles(cw) -> None:
    summary = cw.ingest([str(INPUTS / "wire.txt"), str(INPUTS / "note.md"),
                         str(INPUTS / "no_title.txt")])
    assert summary.stored == 3
    wire, note, untitled = (cw.article(i) for i in summary.article_ids)
    assert wire.title == "Ministers agree new rail link between two capitals"
    assert wire.text.startswith("Transport ministers")
    assert note.title == "Harbour workers end two-day strike"
    assert "**" not in note.text and "returned to work" in note.text
    assert "agreement raises night-shift pay" in note.text  # link text kept, URL dropped
    assert untitled.title is None and untitled.text.startswith("The regional parliament")


def test_jsonl_good_records_stored_bad_lines_rejected_with_line_numbers(cw) -> None:
    summary = cw.ingest([str(INPUTS / "feed.jsonl")])
    assert summary.stored == 3
    reasons = {r.line: r.reason for r in summary.rejected}
    assert set(reasons) == {3, 4, 5, 7}
    assert "no text" in reasons[3]
    assert "JSON object" in reasons[4]
    assert "ISO 8601" in reasons[5]
    assert "not valid JSON" in reasons[7]
    first = cw.article(summary.article_ids[0])
    assert first.external_id == "r1" and first.source == "Health Daily"
    assert first.url == "https://health.example/drive" and first.language == "en"
    second = cw.article(summary.article_ids[1])
    assert second.external_id == "2" and second.language == "tr"
    french = cw.article(summary.article_ids[2])
    assert "<p>" not in french.text and "douze stations" in french.text
    # rejections are stored, not only printed
    stored = cw.store.list_rejections()
    assert {r[1] for r in stored} >= {3, 4, 5, 7}


def test_gzipped_jsonl(cw, tmp_path: Path) -> None:
    gz = tmp_path / "shard.jsonl.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write((INPUTS / "feed.jsonl").read_bytes())
    summary = cw.ingest([str(gz)])
    assert summary.stored == 3 and len(summary.rejected) == 4


def test_folder_is_recursive_and_sorted(cw, tmp_path: Path) -> None:
    root = tmp_path / "articles"
    (root / "b" / "deep").mkdir(parents=True)
    shutil.copy(INPUTS / "wire.txt", root / "b" / "deep" / "wire.txt")
    shutil.copy(INPUTS / "note.md", root / "a.md")
    (root / ".hidden.txt").write_text("secret notes that must not be ingested at all", "utf-8")
    summary = cw.ingest([str(root)])
    assert summary.stored == 2 and not summary.rejected
    titles = [cw.article(i).title for i in summary.article_ids]
    assert titles == ["Harbour workers end two-day strike",
                      "Ministers agree new rail link between two capitals"]


def test_stdin_text_html_and_jsonl(cw) -> None:
    s1 = cw.ingest(["-"], stdin=io.BytesIO((INPUTS / "wire.txt").read_bytes()))
    s2 = cw.ingest(["-"], stdin=io.BytesIO((INPUTS / "page_tr.html").read_bytes()))
    s3 = cw.ingest(["-"], stdin=io.BytesIO((INPUTS / "feed.jsonl").read_bytes()))
    assert (s1.stored, s2.stored, s3.stored) == (1, 1, 3)
    assert {r.origin for r in s3.rejected} == {"<stdin>"}


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n\t  \n", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
    ("nul.txt", b"some text\x00\x00\x01\x02 more", "binary"),
    ("report.pdf", b"%PDF-1.7 ...", "unsupported file type"),
    ("latin.txt", "Café crème à la française, très bien.".encode("latin-1"), "not valid utf-8"),
    ("only_debris.txt", b"Leave a Reply\nShare on Facebook\n", "no article text"),
])
def test_bad_files_are_rejected_with_a_reason(cw, tmp_path: Path, name: str, content: bytes,
                                              reason: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A good article about the harbour that must still be stored.", "utf-8")
    summary = cw.ingest([str(bad), str(good)])
    assert summary.stored == 1, "the rest of the batch goes on"
    assert len(summary.rejected) == 1
    r = summary.rejected[0]
    assert r.origin == str(bad)
    assert reason in (r.reason or "").lower()


def test_missing_path_is_rejected(cw, tmp_path: Path) -> None:
    summary = cw.ingest([str(tmp_path / "nope.txt")])
    assert summary.rejected[0].reason == "no such file or directory"


def test_oversize_file_rejected_without_reading_it(cw, tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # a real 100 MB file
        chunk = b"The same line of news text repeated to fill the file.\n" * 20000
        while fh.tell() < 100_000_000:
            fh.write(chunk)
    summary = cw.ingest([str(big)])
    assert summary.stored == 0
    assert "over the 10.0 MB limit" in (summary.rejected[0].reason or "")


def test_oversize_jsonl_line_rejected_and_next_line_stored(cw, tmp_path: Path) -> None:
    cw.settings = cw.settings.with_overrides(max_document_bytes=5000)
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "x " * 10000}) + "\n")
        fh.write(json.dumps({"text": "A normal record about a new bridge that opened today."}) + "\n")
    summary = cw.ingest([str(path)])
    assert summary.stored == 1
    assert summary.rejected[0].line == 1 and "over the 5,000 byte limit" in summary.rejected[0].reason


def test_wrong_encoding_rejected_then_accepted_with_encoding(tmp_path: Path, db_path: str) -> None:
    src = str(INPUTS / "legacy_cp1254.txt")
    res = run_cli("ingest", src, db=db_path)
    assert res.returncode == 1
    assert "not valid utf-8" in res.stdout and "--encoding" in res.stdout
    res = run_cli("ingest", "--encoding", "cp1254", src, db=db_path)
    assert res.returncode == 0, res.stdout + res.stderr
    art = json.loads(run_cli("article", "1", "--json", db=db_path, check=True).stdout)
    assert art["text"].startswith("Şişli'de yağmur")


def test_cli_summary_and_exit_status(db_path: str) -> None:
    res = run_cli("ingest", str(INPUTS / "feed.jsonl"), str(INPUTS / "wire.txt"), db=db_path)
    assert res.returncode == 1  # some lines were rejected
    assert "stored 4, updated 0, duplicates skipped 0, rejected 4" in res.stdout
    assert f"rejected {INPUTS / 'feed.jsonl'}:3: no text" in res.stdout
    res = run_cli("ingest", str(INPUTS / "wire.txt"), db=db_path)
    assert res.returncode == 0
    assert "duplicates skipped 1" in res.stdout
    res = run_cli("ingest", "--json", str(INPUTS / "note.md"), db=db_path)
    assert res.returncode == 0
    assert json.loads(res.stdout)["stored"] == 1


def test_lang_override(cw) -> None:
    summary = cw.ingest([str(INPUTS / "wire.txt")], language="de")
    assert cw.article(summary.article_ids[0]).language == "de"


def test_bad_lang_override_is_a_usage_error(db_path: str) -> None:
    res = run_cli("ingest", "--lang", "english!", str(INPUTS / "wire.txt"), db=db_path)
    assert res.returncode == 2


def test_source_override(cw) -> None:
    summary = cw.ingest([str(INPUTS / "feed.jsonl")], source="My Feed")
    assert {cw.article(i).source for i in summary.article_ids} == {"My Feed"}




def test_public_api(tmp_path: Path) -> None:
    with crosswire.open(str(tmp_path / "api.db")) as cw:
        r = cw.ingest_text("The harbour reopened after the storm, port officials said on Friday.",
                           title="Harbour reopens")
        assert r.status == "stored"
        assert cw.article(r.article_id).title == "Harbour reopens"
        again = cw.ingest_text("The harbour reopened after the storm, port officials said on Friday.")
        assert again.status == "duplicate"

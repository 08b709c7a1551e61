"""An article's name never silently takes over another's: across folders, in one ingest, and for uploads."""

import shutil
import tempfile
from pathlib import Path

from helpers import make_rag
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule


def _folder(root: Path, name: str, **files: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (folder / f"{file}.txt").write_text(text)
    return folder


A_TEXT = "Convoy reaches Kulob\n\nThe convoy brought 1,259 crates of medicine to Kulob on Monday."
B_TEXT = "Dam opens in Rogun\n\nThe Rogun dam's second turbine started on Friday, officials said."


def test_a_second_folder_with_the_same_name_is_refused_and_the_first_article_stays(tmp_path):
    a, b = _folder(tmp_path, "a", x=A_TEXT), _folder(tmp_path, "b", x=B_TEXT)
    rag = make_rag(tmp_path / "index")
    assert rag.ingest([a]).added == ["x.txt"]
    report = rag.ingest([b])
    assert report.added == report.updated == [] and [f for f, _ in report.failed] == [str(b / "x.txt")]
    assert "already indexed from" in report.failed[0][1] and str(a / "x.txt") in report.failed[0][1]
    assert "1,259 crates" in rag.article("x.txt").text


def test_two_folders_in_one_ingest_index_the_first_and_name_the_second(tmp_path):
    a, b = _folder(tmp_path, "a", x=A_TEXT), _folder(tmp_path, "b", x=B_TEXT)
    rag = make_rag(tmp_path / "index")
    report = rag.ingest([a, b])
    assert report.added == ["x.txt"] and report.failed[0][0] == str(b / "x.txt")
    assert "same name" in report.failed[0][1]
    assert rag.ingest([a]).unchanged == ["x.txt"]  # no interrupted ingest left behind


def test_an_article_whose_file_moved_is_updated_from_its_new_place(tmp_path):
    a = _folder(tmp_path, "a", x=A_TEXT)
    rag = make_rag(tmp_path / "index")
    rag.ingest([a])
    moved = shutil.move(a, tmp_path / "moved")
    assert rag.ingest([Path(moved)]).unchanged == ["x.txt"]
    (Path(moved) / "x.txt").write_text(B_TEXT)
    assert rag.ingest([Path(moved)]).updated == ["x.txt"]


def test_an_upload_named_like_an_ingested_article_gets_its_own_name(tmp_path):
    from rag.ingest.uploads import ingest_uploads

    a = _folder(tmp_path, "a", x=A_TEXT)
    rag = make_rag(tmp_path / "index", upload_dir=tmp_path / "uploads")
    rag.ingest([a])
    upload = tmp_path / "tmp-upload"
    upload.write_text(B_TEXT)
    assert ingest_uploads(rag, [(upload, "x.txt")]).indexed == ["x-2.txt"]
    assert "1,259 crates" in rag.article("x.txt").text and "Rogun" in rag.article("x-2.txt").text
    again = rag.reindex()
    assert again.ok and sorted(again.unchanged) == ["x-2.txt", "x.txt"]


TEXTS = [A_TEXT, B_TEXT, "Bridge opens\n\nThe Nizhny Pyanj bridge carries 1,500 trucks a day, officials said."]


class ClashMachine(RuleBasedStateMachine):
    """Two folders whose files share names; ingests of one or both in any order. Model: a name
    belongs to the folder it was first indexed from, until that folder's file is gone."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp())
        self.folders = {k: _folder(self.tmp, k) for k in ("a", "b")}
        self.rag = make_rag(self.tmp / "index")
        self.owner: dict[str, tuple[str, str]] = {}  # name -> (folder, text) as the index must hold it
        self.version = 0

    def teardown(self) -> None:
        self.rag.index.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(folder=st.sampled_from("ab"), name=st.sampled_from(["x.txt", "y.txt"]), text=st.sampled_from(TEXTS))
    def write(self, folder: str, name: str, text: str) -> None:
        self.version += 1  # no two files ever hold the same bytes: copies are another test's subject
        (self.folders[folder] / name).write_text(f"{text} Report {self.version}.")

    @rule(folder=st.sampled_from("ab"), name=st.sampled_from(["x.txt", "y.txt"]))
    def delete_file(self, folder: str, name: str) -> None:
        (self.folders[folder] / name).unlink(missing_ok=True)

    @rule(order=st.sampled_from(["a", "b", "ab", "ba"]))
    def ingest(self, order: str) -> None:
        expected_failed = []
        claimed: set[str] = set()
        for k in order:
            for f in sorted(self.folders[k].iterdir()):
                held = self.owner.get(f.name)
                if f.name in claimed or (held and held[0] != k and (self.folders[held[0]] / f.name).exists()):
                    expected_failed.append(str(f.resolve()))
                else:
                    claimed.add(f.name)
                    self.owner[f.name] = (k, f.read_text())
        report = self.rag.ingest([self.folders[k] for k in order])
        assert sorted(f for f, _ in report.failed) == sorted(expected_failed)

    @invariant()
    def every_article_is_the_file_that_owns_its_name(self) -> None:
        if not self.owner:
            return
        stored = {a.source: Path(a.root).name for a in self.rag.index.articles()}
        assert stored == {n: k for n, (k, _) in self.owner.items()}
        for name, (_, text) in self.owner.items():
            assert text.split("\n\n", 1)[1] in self.rag.article(name).text


TestClashMachine = ClashMachine.TestCase
TestClashMachine.settings = settings(max_examples=30, stateful_step_count=15, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])

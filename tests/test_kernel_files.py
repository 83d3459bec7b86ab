"""Kernel-side writes: confined to the app folder, checked, atomic, batched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_fastpreview.kernel.files import BATCH_MARKER, AppFileError, AppFiles


@pytest.fixture
def files(tmp_path: Path) -> AppFiles:
    return AppFiles(tmp_path / "app", max_file_bytes=1000)


def test_write_read_list_delete(files: AppFiles) -> None:
    files.write("src/App.tsx", "export default () => null;\n")
    files.write("index.html", "<div id=root></div>")
    assert files.read("src/App.tsx") == "export default () => null;\n"
    assert files.list() == ["index.html", "src/App.tsx"]
    files.delete("index.html")
    assert files.list() == ["src/App.tsx"]
    assert oct((files.folder / "src/App.tsx").stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    "name",
    ["../outside.ts", "src/../../outside.ts", "/etc/passwd", "..\\outside.ts", "a\x00b.ts", ""],
)
def test_paths_outside_the_folder_are_refused_and_nothing_is_written(
    files: AppFiles, tmp_path: Path, name: str
) -> None:
    with pytest.raises(AppFileError):
        files.write(name, "x")
    assert not (tmp_path / "outside.ts").exists()


def test_a_symlink_out_of_the_folder_is_refused(files: AppFiles, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    files.folder.mkdir(parents=True)
    (files.folder / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(AppFileError, match="resolves outside"):
        files.write("link/evil.ts", "x")
    assert list(outside.iterdir()) == []


def test_binary_content_in_a_source_file_is_refused(files: AppFiles) -> None:
    with pytest.raises(AppFileError, match="binary"):
        files.write("src/App.tsx", b"\x00\x01")
    with pytest.raises(AppFileError, match="not UTF-8"):
        files.write("src/App.tsx", b"\xff\xfe")
    assert not (files.folder / "src" / "App.tsx").exists()


def test_binary_assets_are_fine(files: AppFiles) -> None:
    files.write("public/logo.png", b"\x89PNG\x00\x01")
    assert (files.folder / "public/logo.png").read_bytes() == b"\x89PNG\x00\x01"


def test_a_file_over_the_limit_is_refused_and_the_old_one_kept(files: AppFiles) -> None:
    files.write("src/big.ts", "ok")
    with pytest.raises(AppFileError, match="limit is 1,000"):
        files.write("src/big.ts", "x" * 1001)
    assert files.read("src/big.ts") == "ok"


def test_write_many_checks_everything_before_writing_anything(files: AppFiles) -> None:
    with pytest.raises(AppFileError):
        files.write_many({"src/a.ts": "a", "src/b.ts": "b", "../c.ts": "c"})
    assert files.list() == []


def test_write_many_lands_writes_and_deletes_inside_one_batch(
    files: AppFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    files.write("src/old.ts", "old")
    marker_present_at_each_write = []
    original_replace = os.replace

    def spy(source: str, target: str) -> None:
        marker_present_at_each_write.append((files.folder / BATCH_MARKER).exists())
        original_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    batch: dict[str, str | None] = {f"src/m{i}.ts": f"export const v = {i};" for i in range(5)}
    batch["src/old.ts"] = None
    files.write_many(batch)
    assert marker_present_at_each_write == [True] * 5
    assert not (files.folder / BATCH_MARKER).exists()
    assert files.list() == [f"src/m{i}.ts" for i in range(5)]


def test_nested_batches_keep_the_marker_until_the_outermost_ends(files: AppFiles) -> None:
    marker = files.folder / BATCH_MARKER
    with files.batch():
        with files.batch():
            files.write("a.ts", "1")
        assert marker.exists()
    assert not marker.exists()


def test_a_failed_write_leaves_no_temp_file(
    files: AppFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        files.write("src/App.tsx", "x")
    assert list((files.folder / "src").iterdir()) == []


def test_hidden_and_dependency_files_are_not_listed(files: AppFiles) -> None:
    files.write("src/App.tsx", "x")
    files.write("node_modules/pkg/index.js", "x")
    files.write(".env", "SECRET=1")
    assert files.list() == ["src/App.tsx"]

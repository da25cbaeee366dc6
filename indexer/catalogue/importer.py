"""`dvcbot catalogue import`: read files of any known shape, merge them by procedure code, write the snapshot.

Details come from the most structured source that has them (the portal's own JSON,
then normalised records, then page text); what identifies a procedure on the portal
today (name, page id, national or provincial) comes from the newest listing.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from indexer.catalogue.model import Procedure
from indexer.catalogue.snapshot import CatalogueManifest, write_snapshot
from indexer.catalogue.sources import iter_file

# Higher wins for details. The listing is the authority on identity instead (see `merge`).
_DETAIL_RANK = {"portal": 4, "opengov": 3, "tthc": 2}
_IDENTITY = ("name", "portal_id", "kind", "province", "promulgator", "targets", "audience")


def _rank(p: Procedure) -> int:
    name = (p.sources[0].name if p.sources else "").lower()
    return next((r for key, r in _DETAIL_RANK.items() if key in name and "listing" not in name
                 and "catalog" not in name), 1)


def _is_listing(p: Procedure) -> bool:
    return not p.detailed and _rank(p) == 1


def merge(pieces: list[Procedure]) -> Procedure:
    """One record from every piece about one code."""
    ordered = sorted(pieces, key=_rank, reverse=True)
    merged = ordered[0]
    for piece in ordered[1:]:
        merged = merged.merged(piece)
    listing = next((p for p in pieces if _is_listing(p)), None)
    if listing is not None:
        merged = replace(merged, **{k: getattr(listing, k) for k in _IDENTITY if getattr(listing, k)})
    return merged


@dataclass
class ImportReport:
    files: int = 0
    read: Counter = field(default_factory=Counter)          # source name -> records read
    skipped: list[str] = field(default_factory=list)        # files of no known shape
    unparsed: Counter = field(default_factory=Counter)      # field -> records whose text could not be read
    dated_by_file: list[str] = field(default_factory=list)  # files whose date is the file's own (no --taken)
    manifest: CatalogueManifest | None = None

    def lines(self) -> list[str]:
        out = [f"Đã đọc {self.files} tệp: " + ", ".join(f"{n} bản ghi từ {s}" for s, n in self.read.most_common())]
        if self.manifest:
            out.append(f"Ảnh chụp danh mục: {self.manifest.records} thủ tục, {self.manifest.detailed} có chi tiết.")
        for name, n in self.unparsed.most_common():
            out.append(f"  Không đọc chắc được trường '{name}' ở {n} thủ tục (để trống, không đoán).")
        if self.skipped:
            out.append(f"Bỏ qua {len(self.skipped)} tệp không đúng dạng nào đã biết, ví dụ: {self.skipped[0]}")
        if self.dated_by_file:
            out.append(f"{len(self.dated_by_file)} tệp không có ngày lấy dữ liệu: dùng ngày sửa tệp "
                       "(dùng --taken NGÀY để ghi đúng ngày).")
        return out


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl") and p.is_file())
        else:
            found.append(path)
    return found


def dated(argument: str) -> tuple[Path, str | None]:
    """"PATH@2026-07-18": the day that source read the portal, for files that do not say it themselves."""
    path, at, day = argument.rpartition("@")
    if at and path:
        try:
            return Path(path), dt.date.fromisoformat(day).isoformat()
        except ValueError:
            pass
    return Path(argument), None


def collect(paths: Iterable[str | Path], taken: str | None, report: ImportReport, progress: bool = True,
            reader: Callable = iter_file) -> dict[str, list[Procedure]]:
    """Every record of every file, grouped by code."""
    by_code: dict[str, list[Procedure]] = defaultdict(list)
    files = [(f, day or taken) for path, day in map(dated, map(str, paths)) for f in _files([path])]
    report.files = len(files)
    for path, day in tqdm(files, desc="Đọc tệp danh mục", unit="tệp", disable=not progress):
        if day is None:
            day = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
            report.dated_by_file.append(str(path))
        found = 0
        for record in reader(path, day):
            by_code[record.code].append(record)
            report.read[record.sources[0].name if record.sources else "?"] += 1
            found += 1
        if not found:
            report.skipped.append(str(path))
    return by_code


def import_catalogue(paths: Iterable[str | Path], knowledge_dir: Path, taken: str | None = None,
                     progress: bool = True) -> ImportReport:
    report = ImportReport()
    by_code = collect(paths, taken, report, progress)
    records = [merge(pieces) for pieces in by_code.values()]
    for p in records:
        report.unparsed.update(p.unparsed)
    sources: dict[str, dict] = {}
    for pieces in by_code.values():
        for piece in pieces:
            for s in piece.sources:
                entry = sources.setdefault(s.name, {"name": s.name, "taken": s.taken, "records": 0})
                entry["taken"] = max(entry["taken"], s.taken)
                entry["records"] += 1
    report.manifest = write_snapshot(knowledge_dir, records, sorted(sources.values(), key=lambda s: s["name"]))
    return report

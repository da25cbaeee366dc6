"""argparse speaking Vietnamese: `dvcbot --help` and a mistyped command read like the rest of the tool.

argparse's own words ("usage:", "options", "show this help message and exit", its error messages) come from
gettext, which has no Vietnamese catalogue; they are replaced here instead, so nothing depends on the locale.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

# argparse's error messages (Python 3.11–3.13) and what they say in Vietnamese; others are shown as they are
_ERRORS = [
    (r"the following arguments are required: (.+)", r"thiếu tham số bắt buộc: \1"),
    (r"one of the arguments (.+) is required", r"cần một trong các tham số \1"),
    (r"unrecognized arguments: (.+)", r"không hiểu tham số: \1"),
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)",
     r"tham số \1: không có lựa chọn \2 (chọn một trong \3)"),
    (r"argument (.+?): invalid int value: (.+)", r"tham số \1: \2 không phải một số nguyên"),
    (r"argument (.+?): invalid float value: (.+)", r"tham số \1: \2 không phải một số"),
    (r"argument (.+?): invalid \w+ value: (.+)", r"tham số \1: giá trị \2 không hợp lệ"),
    (r"argument (.+?): expected one argument", r"tham số \1 cần một giá trị"),
    (r"argument (.+?): expected at least one argument", r"tham số \1 cần ít nhất một giá trị"),
    (r"argument (.+?): expected (\d+) arguments?", r"tham số \1 cần \2 giá trị"),
    (r"argument (.+?): not allowed with argument (.+)", r"không dùng tham số \1 cùng với \2"),
    (r"ambiguous option: (.+?) could match (.+)", r"tùy chọn \1 chưa rõ: có thể là \2"),
]


def vietnamese(message: str) -> str:
    """An argparse error message in Vietnamese (unchanged when it is not one of the known ones)."""
    for pattern, said in _ERRORS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, said, message)
    return message


class Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in Vietnamese; its subcommands' parsers are too."""

    def __init__(self, *args: Any, formatter_class: type[argparse.HelpFormatter] = Formatter,
                 add_help: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, formatter_class=formatter_class, add_help=False, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {vietnamese(message)}\n")

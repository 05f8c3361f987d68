"""The command line the Makefile runs: ``python -m tools COMMAND NOTEBOOKS...`` (see tools/__init__.py)."""

import argparse
import sys
from pathlib import Path


def execute(args):
    from tools.execute import execute_notebook

    for path in args.notebooks:
        print(f"executing {path}", flush=True)
        execute_notebook(path)
    return 0


def student(args):
    from tools.student import write_student_edition

    for path in write_student_edition(args.notebooks, args.out):
        print(f"wrote {path}")
    return 0


def slides(args):
    from tools.slides import write_slides

    for path in write_slides(args.notebooks, args.out):
        print(f"wrote {path}")
    return 0


def book(args):
    from tools.book import build_book, fetch_npm_packages, repository_url, repository_warning

    if args.fetch:
        for path in fetch_npm_packages():
            print(f"cached {path}")
        return 0
    html = build_book(args.out)
    print(f"built the site in {html}: open {html / 'index.html'}, or serve it with "
          f"python -m http.server --directory {html}")
    warning = repository_warning(repository_url())
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def lint(args):
    from tools.lint import RULES, hygiene_problems

    if args.rules:
        for each in RULES:
            print(f"{each.name}: {each.message}")
        return 0
    failures = {path: hygiene_problems(path) for path in args.notebooks}
    for path, problems in failures.items():
        for problem in problems:
            print(f"{path}: {problem}")
    if any(failures.values()):
        return 1
    print(f"{len(failures)} notebooks follow the rules")
    return 0


def solutions(args):
    from tools.solutions import write_solutions

    for path in args.notebooks:
        print(f"wrote {write_solutions(path)}")
    return 0


def translate(args):
    from tools.translate import message_problems, problems, update_catalogues, update_messages

    if not args.check:
        for path in [*update_catalogues(args.notebooks), update_messages()]:
            print(f"wrote {path}")
    found = [problem for path in args.notebooks for problem in problems(path)] + message_problems()
    print("\n".join(found) or f"{len(args.notebooks)} notebooks and course_utils's messages fully translated")
    return 1 if found and args.check else 0


def assignments(args):
    from tools.assignments import generate_assignments

    ids = generate_assignments(args.notebooks, args.out)
    print(f"wrote the nbgrader course {args.out} (assignments {', '.join(ids)}): release/ holds what learners get")
    return 0


def grade_demo(args):
    from tools.grade_demo import grade_demo as run, table

    grades, exercises_per_assignment, problems = run(args.notebooks, args.out)
    print(table(grades, exercises_per_assignment))
    for problem in problems:
        print(f"unexpected: {problem}")
    if problems:
        return 1
    print(f"as expected: complete full marks, blank 0, partial in between, tampered 0 ({args.out / 'grades.csv'})")
    return 0


def zh(args):
    from tools.translate import write_edition

    try:
        written = write_edition(args.notebooks, args.out, execute=not args.no_execute)
    except ValueError as error:  # a translation not complete and current: the message names each cell
        print(f"python -m tools zh: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


COMMANDS = {
    execute: "re-execute notebooks in place, each in a fresh kernel (outputs and widget state)",
    student: "write the student edition (solutions stubbed, outputs cleared) into --out",
    slides: "write reveal.js slides (headings start slides, solutions are skipped) into --out",
    book: "write the course's static site (Jupyter Book, from the stored outputs) into --out and build it",
    lint: "check the notebooks against the course's rules (--rules lists the rules)",
    solutions: "store the notebooks' solutions in the package, for ex1.solution()",
    translate: "update the translation catalogues in locale/ (one entry per markdown cell); --check only reports",
    zh: "write the Simplified Chinese edition, generated from the notebooks and executed, into --out",
    assignments: "write an nbgrader course (config, source/ with graded cells, gradebook, release/) into --out",
    grade_demo: "grade four simulated students with nbgrader in the course of --out; assert their grades.csv",
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools", description="Maintain the course's notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, text in COMMANDS.items():
        sub = commands.add_parser(command.__name__, help=text, description=text)
        sub.set_defaults(run=command)
        if command is not book:  # the book takes the notebooks of the course plan, in its order
            sub.add_argument("notebooks", nargs="*" if command in (lint, translate, zh) else "+", type=Path,
                             help="(translate, zh: every notebook of notebooks/ when none is given)"
                             if command in (translate, zh) else None)
        if command in (student, slides, book, zh):
            sub.add_argument("--out", type=Path, default=Path("build") / command.__name__)
        if command in (assignments, grade_demo):
            sub.add_argument("--out", type=Path, default=Path("build") / "grading")
        if command is lint:
            sub.add_argument("--rules", action="store_true", help="list the rules and exit")
        if command is translate:
            sub.add_argument("--check", action="store_true", help="change nothing; fail unless complete and current")
        if command is zh:
            sub.add_argument("--no-execute", action="store_true", help="write the edition without outputs")
        if command is book:
            sub.add_argument("--fetch", action="store_true",
                             help="only download the pinned npm packages into build/npm/ (make test's setup does)")
    args = parser.parse_args(argv)
    if args.command == "lint" and not (args.notebooks or args.rules):
        parser.error("lint needs notebooks to check (or --rules)")
    if args.command in ("translate", "zh") and not args.notebooks:
        args.notebooks = sorted(Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    try:
        return args.run(args)
    except RuntimeError as error:  # a tool the command ran failed (nbgrader, jupyter-book): its message says how
        print(f"python -m tools {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

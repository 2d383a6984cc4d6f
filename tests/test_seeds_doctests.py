"""The ``>>>`` examples of the product documentation (``../shared/seeds/*.txt``,
MyGrad 2.x's user docs) run as doctests: one test per document, each document
in a fresh namespace.

The documents are markdown-ish text scraped from rendered pages, so they are
first passed through :func:`normalise` (see there for the rules; the files are
never edited). Examples that cannot match are listed in :data:`ALLOWLIST`, each
with its reason; the test fails when a listed example passes or disappears (so
the list stays honest) and when any other example fails.

The documents are not part of a clean clone of this repository: without them
the test skips. ``MYGRAD_SEEDS_DIR`` points it at another directory.
"""

from __future__ import annotations

import ast
import doctest
import gc
import os
import re
import textwrap
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = Path(os.environ.get("MYGRAD_SEEDS_DIR") or REPO.parent / "shared" / "seeds")

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: the docs print arrays the way NumPy >= 1.14 does (``array([2., 4., 6.])``)
PRINT_OPTIONS = dict(legacy=False)


# --------------------------------------------------------------------------
# normalising the markdown
# --------------------------------------------------------------------------

_PROMPT = re.compile(r"^\s*(>>>|\.\.\.)( |$)")
#: a fence line, possibly with a language tag (```python)
_FENCE = re.compile(r"^\s*```[\w-]*\s*$")
#: the rendered pages end each heading with an anchor mark: "Changelog#", "MyGrad¶"
_HEADING = re.compile(r"\S.*[#¶]\s*$")
#: a Python block header: a code sample (not output) glued after an example
_BLOCK_HEADER = re.compile(r"^(for|while|if|def|class|with|try)\b.*:\s*$")


def normalise(text: str) -> str:
    """Turn a seed document into text that :class:`doctest.DocTestParser` reads
    the way a person reads the page. Line by line, keeping line numbers:

    1. a fence line (```` ``` ````, ```` ```python ````) becomes blank; a fence
       glued to the text after it (```` ```>>> import mygrad ````) is dropped,
       keeping the text;
    2. a ``# comment`` line outside an example's source (the docs put comments
       between examples; markdown headings start with ``#`` too) becomes blank,
       so it does not extend the previous example's expected output;
    3. a line right after an example (its source or expected output) with no
       blank line in between is prose, not output, when it is a heading (it ends
       with the pages' ``#``/``¶`` anchor, e.g. ``Is This Code Well-Tested?#``)
       or a Python block header of a code sample without prompts (``for ... :``):
       it becomes blank, which ends the example there.
    """
    out: list[str] = []
    in_example = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            if _FENCE.match(line):
                out.append("")
                in_example = False
                continue
            line = stripped[3:]  # fence glued to the text that follows it
            stripped = line.strip()
        if _PROMPT.match(line):
            out.append(line)
            in_example = True
            continue
        if stripped.startswith("#"):
            out.append("")
            in_example = False
            continue
        if not stripped:
            out.append(line)
            in_example = False
            continue
        if in_example and (_HEADING.match(stripped) or _BLOCK_HEADER.match(stripped)):
            out.append("")
            in_example = False
            continue
        out.append(line)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# comparing outputs
# --------------------------------------------------------------------------

#: a float literal with a zero fraction written out: "6.0" (NumPy prints "6.")
_ZERO_FRACTION = re.compile(r"(?<![\w.])(-?\d+)\.0(?![\d\w.])")
#: padding NumPy puts inside brackets to align columns: "[ 6.," "3. ]"
_PADDING = re.compile(r"(?<=[\[(])\s+|\s+(?=[\]),])")


def _spelling(text: str) -> str:
    return _PADDING.sub("", _ZERO_FRACTION.sub(r"\1.", " ".join(text.split())))


class SeedOutputChecker(doctest.OutputChecker):
    """doctest's comparison, then one retry that ignores how the docs spell
    numbers the way an older NumPy (or a hand-edit) did: ``array(6.0)`` /
    ``Tensor([1.2, 3.0])`` match NumPy's ``array(6.)`` / ``Tensor([1.2, 3. ])``.
    Values, shapes, dtypes and types still have to agree."""

    def check_output(self, want, got, optionflags):
        if super().check_output(want, got, optionflags):
            return True
        return super().check_output(_spelling(want) + "\n", _spelling(got) + "\n", optionflags)


# --------------------------------------------------------------------------
# examples that cannot match
# --------------------------------------------------------------------------


def _display(example: doctest.Example) -> str:
    """An example as the page shows it: prompts, source, expected output."""
    lines = example.source.rstrip("\n").split("\n")
    shown = [">>> " + lines[0]] + ["... " + line for line in lines[1:]]
    return "\n".join(shown) + "\n" + example.want


@dataclass(frozen=True)
class Unmatchable:
    """Examples of ``document`` that cannot match, and why. Each key is a piece
    of an example as the page shows it (``>>> source`` lines, then the expected
    output) and must pick exactly one example; ``nth`` (1-based) picks one of
    several examples that show the same text (then a change earlier in the
    document can shift the pick: the failure message says which example)."""

    document: str
    reason: str
    keys: tuple[str, ...]
    nth: int | None = None

    def pick(self, outcomes: list["Outcome"]) -> dict[str, list[int]]:
        found = {}
        for key in self.keys:
            hits = [i for i, o in enumerate(outcomes) if key in _display(o.example)]
            if self.nth is not None:
                hits = hits[self.nth - 1 : self.nth]
            found[key] = hits
        return found


_INDEX = "000_0f9d8f98728bc77a.txt"  # the docs' front page
_README = "001_f3982d0e8801776c.txt"  # the GitHub README
_INDEX_GLUED = "002_dafb7c16c716013d.txt"  # the front page again, fences glued to the text
_MANUAL = "003_a8a2e5eded6cd413.txt"  # the whole manual, changelog included

_MASKED_MULTIPLY = ">>> np.multiply(x, x, where=[True, False, True], out=y)\n"
_OUT_PRINTS = (
    "a ufunc returns its `out` argument, so the REPL prints it (NumPy prints "
    "array([1., 0., 9.]) for the same call on arrays); the docs leave that line out"
)
_STALE_MASK = ">>> x.grad\narray([[0., 2., 4.],"
_STALE_MASK_WHY = (
    "the docs' output is for `x` before its diagonal was negated: with x = [[-0, 1, 2], "
    "[3, -4, 5], [6, 7, -8]] the mask x < 4 also selects -4 and -8, so d/dx sum(x[x < 4]**2) "
    "is [[0, 2, 4], [6, -8, 0], [0, 0, -16]], which is what we give"
)
_RANDOM_HINGE = ">>> class_scores.grad  # d(loss)/d(class_scores)"
_RANDOM_WHY = "random values: the scores and labels come from np.random.rand / np.random.randint"
_OLD = "MyGrad 1.x behaviour: the '1.X' column of a 1.x-vs-2.0 comparison"

ALLOWLIST: tuple[Unmatchable, ...] = (
    # -- the front page (docs) -------------------------------------------------------
    Unmatchable(_INDEX, _OUT_PRINTS, (_MASKED_MULTIPLY,)),
    Unmatchable(_INDEX, _STALE_MASK_WHY, (_STALE_MASK,)),
    # -- the README --------------------------------------------------------------------
    Unmatchable(_README, _OUT_PRINTS, (_MASKED_MULTIPLY,)),
    Unmatchable(_README, _STALE_MASK_WHY, (_STALE_MASK,)),
    Unmatchable(_README, _RANDOM_WHY, (_RANDOM_HINGE,)),
    # -- the front page with glued fences ---------------------------------------------
    Unmatchable(_INDEX_GLUED, _OUT_PRINTS, (_MASKED_MULTIPLY,)),
    Unmatchable(
        _INDEX_GLUED,
        "the page lost the `>>> x.grad, ...` line after `.backward()`: the output shown is "
        "that line's (and the last one is the stale mask output of the front page)",
        (">>> y.backward()\narray([2., 0., 6.])", ">>> (x ** 2).backward()\n(array(",
         ">>> (x[x < 4] ** 2).backward()\narray("),
    ),
    # -- the manual ----------------------------------------------------------------------
    Unmatchable(_MANUAL, _OUT_PRINTS, (_MASKED_MULTIPLY,)),
    Unmatchable(_MANUAL, _STALE_MASK_WHY, (_STALE_MASK,)),
    Unmatchable(
        _MANUAL,
        "the hinge-loss example has a typo (`+ 1. 0` is a syntax error), so `Lij` and `loss` "
        "are never made; its output is random anyway (np.random.rand / np.random.randint)",
        (">>> Lij = class_scores - correct_class_scores[:, np.newaxis] + 1. 0",
         ">>> Lij[Lij <= 0] = 0", ">>> Lij[class_labels] = 0", ">>> loss = Lij.sum()",
         ">>> loss.backward()", _RANDOM_HINGE),
    ),
    Unmatchable(
        _MANUAL,
        "platform: the docs were made on Windows, where NumPy's default integer is int32; on "
        "Linux/macOS it is int64 and NumPy's repr (ours too) shows no dtype: array([16])",
        (">>> y\nTensor([16], dtype=int32)",),
    ),
    Unmatchable(
        _MANUAL,
        "the page lost the name ℒ (`>>>  = 2 * x + y ** 2`, `>>> .backward()` are syntax "
        "errors), so no gradient is computed for the examples that read them",
        (">>>  = 2 * x + y ** 2", ">>> .backward()  # computes", ">>> x.grad  # dℒ/dx",
         ">>> y.grad  # dℒ/dy", ">>> .grad\n"),
    ),
    Unmatchable(_MANUAL, "the REPL prints Tensor(6.) (NumPy prints too); the docs show no output",
                (">>> 2 * x\n",)),
    Unmatchable(
        _MANUAL,
        "a `with` block whose body is only comments: an IndentationError in any REPL",
        (">>> with mg.no_autodiff:\n...     # any mygrad code",),
    ),
    Unmatchable(
        _MANUAL,
        "the example before it turns the memory guard off for the whole session "
        "(mg.turn_memory_guarding_off()) and the docs never turn it back on, so the mutation "
        "is not stopped; with the guard on (a fresh session) we give array([0., 1., 2.])",
        (">>> y.grad  # correct gradient is computed",),
    ),
    Unmatchable(_MANUAL, _OLD, (">>> mg.Tensor([1., 2.], copy=True, ndmin=2)\n<TypeError>",
                                ">>> x is y  # doesn't match!", ">>> y.base is x  # doesn't match!",
                                ">>> z.backward()\n<InvalidBackprop: Scalar-only>",
                                ">>> t1 = mg.Tensor([[1, 2]).constant")),
    Unmatchable(_MANUAL, _OLD, (">>> out.constant\nTrue",), nth=1),
    Unmatchable(
        _MANUAL,
        "the masked-out entry is uninitialised memory (NumPy's semantics for `where` "
        "without `out`), and the docs' first entry is not 1 + 0",
        (">>> mg.add([1, 2],[0, 2], where=[True, False], dtype=float)",),
    ),
    Unmatchable(
        _MANUAL,
        "a NumPy-vs-1.x-vs-2.0 table run in one session: the 'Numpy' column expects arrays "
        "but `x`, `y` are tensors here, and the '1.X' column shows 1.x's missing write-through",
        (">>> y\narray([-1., -2.])", ">>> x\narray([-1., -2., 3.])"),
    ),
    Unmatchable(_MANUAL, "as above: the 1.x column's `y *= -1` undid the 'Numpy' column's",
                (">>> y\nTensor([-1., -2.])",), nth=3),
    Unmatchable(
        _MANUAL,
        "the output is for the 4-element `x` of an earlier section; here `x` has 3 elements "
        "(x = mg.tensor([1., 2., 3.]) in the table above) and we give array([-2., -4., 6.])",
        (">>> x.grad\narray([-2., -4.,  6.,  8.])",), nth=3,
    ),
    Unmatchable(
        _MANUAL,
        "garbled 1.x-vs-2.0 example: `[1. 1.]` is a syntax error, so `tn` is never made, and "
        "`x`, `y` are the tensors of earlier examples, not `arr` and `tn`",
        (">>> tn = mg.Tensor([1. 1.])", ">>> tn.grad # should be", ">>> tn = mg.tensor([1. 1.])",
         ">>> x[:] = 0. # you shall not pass!", ">>> tn.grad\narray([1., 2.])"),
    ),
    Unmatchable(
        _MANUAL,
        "`x` has 4 elements (x = mg.Tensor([1., 2., 3., 4.])), so y.grad has 4 ones",
        (">>> y.grad, x.grad  # x is not",),
    ),
    Unmatchable(_MANUAL, "an assignment: the REPL prints nothing (the docs show True)",
                (">>> t1 = mg.tensor([[1, 2]]).constant\nTrue",)),
)


# --------------------------------------------------------------------------
# code samples without prompts that later examples use
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSample:
    """A code sample of ``document`` shown without prompts, from the last line
    equal to ``first`` before the line equal to ``last``, through that line. The
    document's examples after it use what it defines, so it runs, one top-level
    statement at a time, as examples with no output where it stands."""

    document: str
    first: str
    last: str

    def examples(self, lines: list[str]) -> list[doctest.Example]:
        ends = [i for i, line in enumerate(lines) if line.strip() == self.last]
        if len(ends) != 1:
            raise LookupError(f"{self.document}: {len(ends)} lines read {self.last!r}, not 1")
        starts = [i for i, line in enumerate(lines[: ends[0]]) if line.strip() == self.first]
        if not starts:
            raise LookupError(f"{self.document}: no line reads {self.first!r} before {self.last!r}")
        start = starts[-1]
        code = textwrap.dedent("\n".join(lines[start : ends[0] + 1])) + "\n"
        return [
            doctest.Example(ast.get_source_segment(code, node) + "\n", "",
                            lineno=start + node.lineno - 1)
            for node in ast.parse(code).body
        ]


CODE_SAMPLES: tuple[CodeSample, ...] = (
    # "Writing Your Own Operations": defines `custom_multiply` (an Operation subclass and
    # execute_op), which the next examples differentiate
    CodeSample(_MANUAL, "import numpy as np",
               "return execute_op(CustomMultiply, x, y, constant=constant)"),
)


def _with_code_samples(test: doctest.DocTest, text: str) -> None:
    lines = text.splitlines()
    for sample in (c for c in CODE_SAMPLES if c.document == test.name):
        for example in sample.examples(lines):
            at = next((i for i, e in enumerate(test.examples) if e.lineno > example.lineno),
                      len(test.examples))
            test.examples.insert(at, example)


# --------------------------------------------------------------------------
# running a document
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    example: doctest.Example
    passed: bool
    report: str


class _RecordingRunner(doctest.DocTestRunner):
    """Records each example's outcome (and doctest's report of a failure)."""

    def __init__(self):
        super().__init__(checker=SeedOutputChecker(), optionflags=OPTIONFLAGS)
        self.outcomes: list[Outcome] = []

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        self.outcomes.append(Outcome(example, True, ""))

    def report_failure(self, out, test, example, got):
        diff = self._checker.output_difference(example, got, self.optionflags)
        self.outcomes.append(Outcome(example, False, self._failure_header(test, example) + diff))

    def report_unexpected_exception(self, out, test, example, exc_info):
        kind, error, tb = exc_info  # drop doctest's own frame
        shown = "".join(traceback.format_exception(kind, error, tb.tb_next))
        report = self._failure_header(test, example) + "Exception raised:\n" + shown
        self.outcomes.append(Outcome(example, False, report))


def run_document(path: Path) -> list[Outcome]:
    """Run the examples of one document in a fresh namespace (nothing
    pre-imported: every document imports ``mygrad`` and ``numpy`` itself)."""
    import mygrad as mg

    text = normalise(path.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    _with_code_samples(test, text)
    runner = _RecordingRunner()
    guard_was_on = mg.mem_guard_active()
    try:
        # what a document prints to stderr (warnings it triggers on purpose,
        # e.g. the deprecated ``null_gradients``) is not part of its output
        with np.printoptions(**PRINT_OPTIONS), warnings.catch_warnings(record=True):
            runner.run(test, out=lambda s: None, clear_globs=True)
    finally:
        # the manual turns the memory guard off globally and leaves it off
        if mg.mem_guard_active() != guard_was_on:
            (mg.turn_memory_guarding_on if guard_was_on else mg.turn_memory_guarding_off)()
        gc.collect()  # release what the document's graphs held
    return runner.outcomes


def _documents():
    if not SEEDS_DIR.is_dir():
        return [pytest.param(None, id="no-seeds")]
    return [pytest.param(p, id=p.name) for p in sorted(SEEDS_DIR.glob("*.txt"))]


def _check(path: Path, outcomes: list[Outcome]) -> list[str]:
    """Problems: failures not in the allowlist, allowlisted examples that pass,
    allowlist keys that do not pick exactly one example."""
    problems = []
    claimed: dict[int, Unmatchable] = {}
    for entry in (e for e in ALLOWLIST if e.document == path.name):
        for key, hits in entry.pick(outcomes).items():
            if len(hits) != 1:
                problems.append(
                    f"allowlist key {key!r} picks {len(hits)} examples of {path.name}, not 1: "
                    "update the allowlist"
                )
            claimed.update((i, entry) for i in hits)
    for i, outcome in enumerate(outcomes):
        entry = claimed.get(i)
        if entry is None and not outcome.passed:
            problems.append(outcome.report)
        elif entry is not None and outcome.passed:
            problems.append(
                f"{path.name}, line {outcome.example.lineno + 1}: "
                f"{outcome.example.source.strip()!r} is allowlisted ({entry.reason}) but now "
                "passes: remove it from the allowlist"
            )
    return problems


# --------------------------------------------------------------------------
# the tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", _documents())
def test_seed_document_examples(path):
    if path is None:
        pytest.skip(f"the seed documents are not here ({SEEDS_DIR}); set MYGRAD_SEEDS_DIR")
    outcomes = run_document(path)
    if not outcomes:
        pytest.skip(f"{path.name} has no >>> examples")
    problems = _check(path, outcomes)
    assert not problems, f"{len(problems)} problem(s) in {path.name}:\n" + "\n".join(problems)


def test_allowlist_and_code_samples_name_existing_documents():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed documents are not here ({SEEDS_DIR}); set MYGRAD_SEEDS_DIR")
    names = {p.name for p in SEEDS_DIR.glob("*.txt")}
    listed = {e.document for e in ALLOWLIST} | {c.document for c in CODE_SAMPLES}
    assert listed <= names, f"no such seed documents: {sorted(listed - names)}"


def test_normalise_rules():
    text = "\n".join([
        "```python",                 # 1. a fence line
        ">>> 1 + 1",
        "2",
        "# a comment between examples",  # 2.
        ">>> True",
        "True",
        "A heading#",                # 3. prose glued to the output
        "```>>> 3",                  # 1. a fence glued to a prompt
        "3",
        "for step in steps:",        # 3. a code sample glued to the output
        "    pass",
        "```",
    ])
    normalised = normalise(text)
    assert normalised.splitlines() == [
        "", ">>> 1 + 1", "2", "", ">>> True", "True", "", ">>> 3", "3", "", "    pass", "",
    ]
    examples = doctest.DocTestParser().get_examples(normalised)
    assert [(e.source, e.want) for e in examples] == [
        ("1 + 1\n", "2\n"), ("True\n", "True\n"), ("3\n", "3\n"),
    ]


@pytest.mark.parametrize(
    "want, got, same",
    [
        ("array(6.0)\n", "array(6.)\n", True),
        ("Tensor([1.2, 3.0])\n", "Tensor([1.2, 3. ])\n", True),
        ("array([[0., 2.],\n[6., 0.]])\n", "array([[ 0.,  2.],\n       [ 6.,  0.]])\n", True),
        ("array(6.0)\n", "array(6.5)\n", False),
        ("array(6.0)\n", "array(60.)\n", False),
        ("array(1.05)\n", "array(1.)\n", False),
        ("Tensor([16], dtype=int32)\n", "Tensor([16])\n", False),
        ("array([1., 2.])\n", "Tensor([1., 2.])\n", False),
        ("", "Tensor(6.)\n", False),
    ],
)
def test_output_checker_ignores_only_number_spelling(want, got, same):
    assert SeedOutputChecker().check_output(want, got, OPTIONFLAGS) is same

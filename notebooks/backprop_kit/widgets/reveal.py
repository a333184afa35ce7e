"""Predict, then reveal: a graded part's worked values stay hidden until the student has tried it.

A worked-values cell of a student notebook calls ``worked(part, attempt, text)``: ``text`` is the
worksheet's worked values for that part, static Markdown written in the master; ``attempt`` returns
the student's own answer at the worksheet's values.  While that answer is still the ``...``
placeholder (anywhere in it), or does not run, the cell shows one button, "Show the worked values",
and nothing of ``text``; once the answer exists (run the cell again) or the button is clicked,
``text`` is shown.  The demos ask ``is_revealed(part)`` before they draw a finite-difference
reference for an entry the student has not computed yet.

Instructors: ``reveal.reveal_all()`` (or ``BACKPROP_KIT_REVEAL=all`` in the kernel's environment)
shows everything at once, in the cells already run and in every one run after; the worked solutions
that ``./kit demo`` serves show everything anyway, since every answer there exists.

Without a widget front end (an nbclient or nbconvert run) a hidden part prints one sentence saying
how to reveal it.  Nothing here computes an answer: it only looks for the placeholder.
"""

import os
import weakref

try:  # widgets are optional: without them a hidden part is one printed sentence
    import ipywidgets as widgets
except ImportError:  # pragma: no cover - the kit's requirements include them
    widgets = None

ENVIRONMENT_SWITCH = "BACKPROP_KIT_REVEAL"  # "all" (or 1, yes, true): everything shown from the start
_revealed = set()  # parts revealed by a click or show(part)
_everything = [os.environ.get(ENVIRONMENT_SWITCH, "").strip().lower() in {"all", "1", "yes", "true"}]
_hidden = weakref.WeakSet()  # the hidden blocks on screen, shown when their part is revealed


def reveal_all(on=True):
    """Instructors: show every worked value and finite-difference reference at once.  ``on=False``
    forgets every reveal (clicks too): what no attempt shows is hidden from the next cell run or redraw."""
    _everything[0] = bool(on)
    if not on:
        _revealed.clear()
    else:
        for block in list(_hidden):
            block.show()


def show(part):
    """Reveal one part, as its button does."""
    _revealed.add(part)
    for block in list(_hidden):
        if block.part == part:
            block.show()


def is_revealed(part=None):
    """True when ``part`` was revealed (a click or ``show``), or everything was (``reveal_all``)."""
    return _everything[0] or (part is not None and part in _revealed)


def is_placeholder(answer):
    """True when ``answer`` is, or holds anywhere, the ``...`` placeholder (or None)."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, dict):
        return any(is_placeholder(v) for v in answer.values())
    if isinstance(answer, (list, tuple)):
        return any(is_placeholder(v) for v in answer)
    if getattr(answer, "dtype", None) is not None and answer.dtype == object:  # an array holding ...
        return any(is_placeholder(v) for v in answer.ravel())
    return False


def attempted(attempt):
    """True when the student's answer exists: ``attempt()`` (or ``attempt`` itself, when it is not
    callable) runs and holds no placeholder."""
    try:
        answer = attempt() if callable(attempt) else attempt
    except Exception:  # an answer that does not run yet is not an answer
        return False
    return not is_placeholder(answer)


def hidden_sentence(part, label):
    return (f"[The worked values of {label} are hidden until you try it: answer {label}, then run "
            f"this cell again, or run  reveal.show({part!r})  to see them now.]")


class _HiddenBlock:
    """A button that, clicked (or when its part is revealed), shows the worked values below it."""

    def __init__(self, part, label, text):
        self.part, self.label, self.text = part, label, text
        self.button = widgets.Button(description=f"Show the worked values of {label}",
                                     tooltip="Try it first: predict the values, then compare",
                                     layout=widgets.Layout(width="auto"))
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.button, self.output])
        self.shown = False
        # the button holds this block (its callback is a bound method): once displayed, nothing else
        # does, and the registry below holds it weakly
        self.button.on_click(self._clicked)
        _hidden.add(self)

    def _clicked(self, _button):
        show(self.part)

    def show(self):
        if self.shown:
            return
        self.shown = True
        self.button.layout.display = "none"
        with self.output:
            _display_text(self.text)

    def _repr_mimebundle_(self, **_kwargs):
        # The widget where a front end draws widgets; elsewhere the sentence, never the text.
        return {"text/plain": hidden_sentence(self.part, self.label),
                "application/vnd.jupyter.widget-view+json": {
                    "version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}}


def _display_text(text):
    from IPython.display import Markdown, display

    display(Markdown(text))


def worked(part, attempt, text, label=None):
    """Show ``text`` (Markdown: the worksheet's worked values for ``part``) if the student has
    attempted the part or it was revealed; otherwise a button that reveals it.

    ``part``: the name of the part's check (``"q1c_backward"``); ``attempt``: a function of no
    arguments returning the student's answer at the worksheet's values (or that answer);
    ``label``: how the button names the part (default ``part``).  Returns None (the cell shows
    what it displays)."""
    from IPython.display import display

    label = label or part
    if is_revealed(part) or attempted(attempt):
        _display_text(text)
        return None
    if widgets is None:
        print(hidden_sentence(part, label))
        return None
    display(_HiddenBlock(part, label, text))
    return None

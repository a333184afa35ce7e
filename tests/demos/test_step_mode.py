"""Step mode in every computation-graph demo (issue 26, point 1): a "step through" toggle shows
the step controls; each step highlights its own wires and shows only the numbers reached; the
steps follow the demo's own controls; a wrong local derivative shows at its step."""

import matplotlib
import pytest

from backprop_kit.demos import neural_nets as nn
from backprop_kit.demos import staged_computation as staged
from backprop_kit.widgets import stepper
from tests.support.driving import solution_demos
from tests.support.neural_nets_reference import answers

# the live demos of each notebook that draw a computation graph, in page order
GRAPH_DEMOS = {
    "01_staged_computation": ["StagedComputationDemo"],
    "02_backprop_practice": ["ChainRuleDemo", "UnitsDemo", "TwoLayerDemo"],
    "04_deep_learning": ["ForwardNetworkDemo", "ReluSigmoidDemo"],
    "05_neural_nets": ["NeuralNetDemo"],
}
EDGES = [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]


def forward(x, y, z):
    return x + y, (x + y) * z


def backward(x, y, z):
    return {"q": z, "x": z, "y": z, "z": x + y}


def shown_view(demo):
    return demo.views[demo.n] if hasattr(demo, "views") else demo.view


def texts(drawn):
    return {key: (a["value"], a["grad"], a["style"], a["width"]) for key, a in drawn.items()}


@pytest.mark.parametrize("name", sorted(GRAPH_DEMOS))
def test_every_graph_demo_steps_through_its_graph_from_its_controls(name, ipympl_backend, monkeypatch):
    matplotlib.use("Agg")  # pictures are not looked at here: the drawing's texts and styles are
    demos = [d for d in solution_demos(name, monkeypatch, blit=False) if hasattr(d, "graph_steps")]
    assert [type(d).__name__ for d in demos] == GRAPH_DEMOS[name]
    for demo in demos:
        app = demo.app()
        stepper, view = app.stepper, shown_view(demo)
        full = texts(view.annotations())
        assert not stepper.on and all(c.disabled for c in stepper.controls), "off: no step control to move"
        assert stepper.row.layout.display == "none" and view.step is None

        stepper.toggle.value = True  # a click on "step through"
        count = len(stepper.steps)
        assert count > 1 and stepper.slider.max == stepper.play.max == count
        assert not any(c.disabled for c in stepper.controls) and stepper.slider.value == 1
        assert demo.readout.widget.layout.display == "none", "the readout, which tells every number, makes room"
        highlighted = []
        for number in range(1, count + 1):
            if number > 1:
                stepper.next.click()
            step = stepper.steps[number - 1]
            assert stepper.slider.value == number and view.step is step
            drawn = view.annotations()
            stepped = {key for key, a in drawn.items() if a["stepped"]}
            assert stepped == set(step.wires), f"{type(demo).__name__} {step.heading}: the band is on {stepped}"
            assert all(drawn[key]["width"] >= 3.0 for key in step.wires), "the step's wires are drawn thick"
            for key, a in drawn.items():
                if key not in step.grads:
                    assert a["grad"] == "", f"{step.heading}: the gradient on {key} is shown before it is reached"
                if key[0] not in step.values:
                    assert a["value"] == "", f"{step.heading}: the value on {key} is shown before it is reached"
            assert f"<b>{step.heading}</b>" in stepper.line.value and view.step_line == step.text
            highlighted.append((step.wires, step.values, step.grads))
        assert all(a != b for a, b in zip(highlighted, highlighted[1:])), "each step shows something new"
        wires = [step.wire for step in stepper.steps if step.wire]
        assert len(wires) == len(set(wires)), "the backward pass takes each wire once"
        last = texts(view.annotations())
        assert {k: v[:2] for k, v in last.items()} == {k: v[:2] for k, v in full.items()}, \
            "at the last step every number is shown, as in the full view"
        stepper.previous.click()
        assert stepper.slider.value == count - 1
        stepper.reset.click()
        assert stepper.slider.value == 1

        stepper.toggle.value = False
        assert texts(view.annotations()) == full and view.step is None, "off: the full view as before"
        assert all(c.disabled for c in stepper.controls) and stepper.row.layout.display == "none"
        assert demo.readout.widget.layout.display != "none"


def test_the_steps_follow_the_demos_own_controls(ipympl_backend):
    matplotlib.use("Agg")
    demo = staged.StagedComputationDemo(forward, backward, EDGES)
    app = demo.app()
    stepper = app.stepper
    stepper.toggle.value = True
    stepper.go(7)  # backward 4/5: x -> q
    assert demo.view.annotations()[("x", "q")]["grad"] == "-4"
    z = app.children[0].children[0].children[2]
    z.value = 0.0
    assert stepper.slider.value == 7 and demo.view.step.wire == ("x", "q")
    assert 'data-name="upstream">df/dq = 0<' in stepper.line.value
    assert demo.view.annotations()[("x", "q")]["grad"] == "0"
    assert demo.view.annotations()[("y", "q")]["grad"] == "", "y -> q is still a step ahead"


def test_a_wrong_local_derivative_shows_at_its_step_in_notebook_1(ipympl_backend):
    matplotlib.use("Agg")

    def local_only(x, y, z):  # df/dx = dq/dx: the upstream gradient forgotten
        return {"q": z, "x": 1.0, "y": z, "z": x + y}

    demo = staged.StagedComputationDemo(forward, local_only, EDGES)
    stepper = demo.app().stepper
    stepper.toggle.value = True
    said = []
    for number in range(1, len(stepper.steps) + 1):
        stepper.go(number)
        said.append((demo.view.step.wire, demo.view.message))
    wrong = [(wire, message) for wire, message in said if "\u2717" in message]
    assert wrong == [(("x", "q"), "\u2717 upstream df/dq is right, so the local derivative on x \u2192 q is off: "
                                  "df/dx is off (finite differences give -4).")]
    assert said[-1] == (("y", "q"), "\u2713 df/dy matches finite differences.")


def test_a_wrong_link_shows_at_its_wire_in_notebook_5(ipympl_backend):
    matplotlib.use("Agg")
    demo = nn.NeuralNetDemo(answers(da2_dz2=lambda z2, a2: a2))  # the sigmoid for its derivative
    stepper = demo.app().stepper
    stepper.toggle.value = True
    verdicts = [(step.wire, step.ok) for step in stepper.steps if step.phase == "backward"]
    assert verdicts[:3] == [((), None), (("a2", "L"), True), (("z2", "a2"), False)]
    stepper.go(1 + next(i for i, step in enumerate(stepper.steps) if step.wire == ("z2", "a2")))
    assert demo.view.step.wire == ("z2", "a2")
    assert demo.view.message.startswith("\u2717 the local derivative on z2 \u2192 a2 is off: yours is 0.008469, ")


def test_steps_that_cannot_be_made_leave_the_full_view_and_say_why(ipympl_backend):
    matplotlib.use("Agg")
    demo = staged.StagedComputationDemo(forward, backward, EDGES)

    def broken():
        raise RuntimeError("a student's function broke")

    steps = stepper.Stepper(broken, demo.figure, demo.view, demo.readout.widget)
    full = texts(demo.view.annotations())
    steps.toggle.value = True
    assert demo.view.step is None and texts(demo.view.annotations()) == full
    assert steps.line.value == "No steps to show: RuntimeError: a student&#x27;s function broke"

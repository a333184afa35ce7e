"""``./kit demo``: the demo copies of the worked solutions, and the projector mode they turn on."""

import os
from pathlib import Path

import matplotlib
import pytest

from backprop_kit.widgets import live
from grader import demo
from grader.build import outputs_for
from tests.conftest import NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_demo_copy_keeps_the_demos_and_drops_grading(name):
    notebook = demo.demo_notebook(outputs_for(name)["solution"])
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert notebook.cells[0].source.startswith("from backprop_kit.widgets import live\nlive.projector_mode(")
    assert "otter" not in code and "grader." not in code, "grading cells must not run in the demo"
    assert ".app()" in code, "the live demo must be in the demo copy"
    assert "live.use_live_backend();" in code, "the backend's name is not printed on the projector"
    assert markdown and all(line.startswith("#") for text in markdown for line in text.split("\n\n")), \
        "markdown is cut down to headings"
    solution = demo.nbformat.read(outputs_for(name)["solution"], 4)
    headings = [line for c in solution.cells if c.cell_type == "markdown" and c.metadata.get("editable", True)
                for line in c.source.splitlines() if line.startswith("#")]
    assert [line for text in markdown for line in text.split("\n\n")] == headings, \
        "every heading is kept as written, TeX and all (the page typesets it)"
    solution_code = "\n".join(c.source for c in demo.nbformat.read(outputs_for(name)["solution"], 4).cells
                              if c.cell_type == "code")
    for line in solution_code.splitlines():
        if line.startswith("def "):
            assert line in code, f"the worked solution's {line} must be in the demo"


def test_prepare_writes_one_demo_per_notebook_and_checks_the_scale(tmp_path):
    paths = demo.prepare(NOTEBOOKS, tmp_path, scale=1.5)
    assert [p.name for p in paths] == [f"{name}.ipynb" for name in NOTEBOOKS]
    assert "live.projector_mode(1.5)" in demo.nbformat.read(paths[0], 4).cells[0].source
    with pytest.raises(ValueError, match="scale must be a number from 0.5 to 3; got 9"):
        demo.prepare(NOTEBOOKS, tmp_path, scale=9)


def test_voila_command_serves_on_localhost_without_moving_port():
    command = demo.voila_command("folder", 8899, ["--no-browser"])
    assert "--Voila.ip=127.0.0.1" in command and "--port=8899" in command
    assert "--Voila.port_retries=0" in command and command[-1] == "--no-browser"


def test_voila_command_shuts_closed_pages_kernels_down_and_a_given_option_replaces_its_own():
    command = demo.voila_command("folder")
    assert f"--MappingKernelManager.cull_idle_timeout={demo.CLOSED_PAGE_IDLE_S}" in command
    assert "--MappingKernelManager.cull_connected=False" in command, "a kernel with its page open is kept"
    given = demo.voila_command("folder", extra=["--MappingKernelManager.cull_idle_timeout=600"])
    assert [part for part in given if "cull_idle_timeout" in part] == ["--MappingKernelManager.cull_idle_timeout=600"]


def test_voila_finds_the_demo_template_first_and_keeps_other_data_paths(monkeypatch, tmp_path):
    from voila.paths import collect_template_paths

    root = demo.write_template(tmp_path)
    environment = demo.voila_environment(root, {"JUPYTER_PATH": "/elsewhere", "HOME": "/home/x"})
    assert environment["JUPYTER_PATH"].split(os.pathsep) == [str(root), "/elsewhere"]
    assert environment["HOME"] == "/home/x"
    assert "--template=backprop-kit" in demo.voila_command("folder")
    monkeypatch.setenv("JUPYTER_PATH", environment["JUPYTER_PATH"])
    paths = collect_template_paths(["voila", "nbconvert"], demo.TEMPLATE, prune=True)
    assert paths[0] == str(root / "voila" / "templates" / demo.TEMPLATE)
    page = Path(paths[0])
    assert (page / "index.html.j2").is_file() and (page / "conf.json").is_file()
    script = (page / "static" / demo.FRAMES_SCRIPT).read_text()
    assert "bpk_paste_frames" in script, "the acceleration layer's frame script is on the page"
    assert any(path.endswith("voila/templates/lab") for path in paths), "based on Voila's lab template"


def test_demo_refuses_an_unknown_notebook(capsys):
    with pytest.raises(SystemExit):
        demo.main(["99_no_such_notebook"])
    assert "no notebook 99_no_such_notebook" in capsys.readouterr().err


def test_projector_mode_scales_figures_and_sliders(monkeypatch):
    monkeypatch.setattr(live, "_projector_scale", None)
    monkeypatch.setitem(matplotlib.rcParams, "figure.dpi", 100.0)
    monkeypatch.setitem(matplotlib.rcParams, "figure.hooks", [])
    style = live.projector_mode(1.5)
    assert matplotlib.rcParams["figure.dpi"] == 150
    assert "backprop_kit.widgets.live:plain_canvas" in matplotlib.rcParams["figure.hooks"]
    assert "--jp-widgets-font-size: 22px" in style.value
    assert live.slider("x", 0, -1, 1).layout.width == "480px"
    with pytest.raises(ValueError, match="scale must be a number from 0.5 to 3; got 'big'"):
        live.projector_mode("big")


def test_ipympl_is_recognised_by_every_name_matplotlib_gives_it(monkeypatch):
    for name in ("widget", "ipympl", "module://ipympl.backend_nbagg"):
        monkeypatch.setattr(matplotlib, "get_backend", lambda name=name: name)
        assert live.is_ipympl(), name
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "agg")
    assert not live.is_ipympl()

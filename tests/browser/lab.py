"""Driving a notebook open in JupyterLab: its state as the page holds it, and when it has run."""

OPEN_TIMEOUT = 120  # s: JupyterLab's first page load builds its settings; the machine may be busy
RUN_TIMEOUT = 300  # s: every cell, including Otter's export that reruns the checks

NOTEBOOK_STATE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.content.model || !panel.sessionContext) return null;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = [];
    const model = panel.content.model.cells;
    for (let i = 0; i < model.length; i++) {
        const cell = model.get(i);
        if (cell.type === 'code') cells.push({index: i, count: cell.executionCount,
                                              outputs: cell.outputs.toJSON()});
    }
    return {kernel: kernel ? kernel.status : 'none', cells: cells};
}"""


def state(page):
    return page.evaluate(NOTEBOOK_STATE)


def errors(cells):
    return [f"cell {cell['index']}: {output.get('ename')}: {output.get('evalue')}"
            for cell in cells for output in cell["outputs"] if output.get("output_type") == "error"]


def finished(page):
    """The notebook's state once every code cell has run (or one failed); None while running."""
    now = state(page)
    if not now or now["kernel"] != "idle":
        return None
    if all(cell["count"] is not None for cell in now["cells"]) or errors(now["cells"]):
        return now
    return None

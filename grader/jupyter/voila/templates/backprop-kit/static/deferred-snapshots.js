// Keep ipympl's figure snapshot off the path from a slider to the new frame.
//
// ipympl 0.10 keeps a PNG of each figure in its model (_data_url) so that a saved notebook
// can show the figure without a kernel.  It encodes that PNG on every frame, synchronously,
// as the frame arrives: 10-25 ms of the page's only thread on a projector-sized figure, paid
// before the new frame can be decoded.  A demo page is never saved, so here the snapshot is
// taken once the figure has been still for a moment, when the browser is idle.
//
// The model class comes from ipympl's own module container (window._JUPYTERLAB is where
// JupyterLab and Voila keep federated extensions; ipympl exposes "./index").  The same
// webpack runtime serves the widget manager, so this is the class its figures are made of.
(function deferFigureSnapshots() {
    const STILL_FOR = 500;  // ms without a new frame before the snapshot is taken
    const IDLE_WAIT = 2000;  // ms: take it then even if the browser never goes idle

    function takeSnapshotLater(model) {
        clearTimeout(model.bpkSnapshotTimer);
        model.bpkSnapshotTimer = setTimeout(() => requestIdleCallback(
            () => model.set('_data_url', model.offscreen_canvas.toDataURL()), {timeout: IDLE_WAIT}), STILL_FOR);
    }

    async function patchIpympl() {
        const container = window._JUPYTERLAB && window._JUPYTERLAB['jupyter-matplotlib'];
        if (!container) return 'ipympl is not loaded';
        const ipympl = (await container.get('./index'))();
        const prototype = ipympl.MPLCanvasModel && ipympl.MPLCanvasModel.prototype;
        if (!prototype || typeof prototype.handle_binary !== 'function') return 'ipympl has no handle_binary';
        const handleBinary = prototype.handle_binary;
        prototype.handle_binary = function (message, buffers) {
            const canvas = this.offscreen_canvas;
            canvas.toDataURL = () => this.get('_data_url');  // the snapshot stays as it is for now
            try {
                return handleBinary.call(this, message, buffers);
            } finally {
                delete canvas.toDataURL;
                takeSnapshotLater(this);
            }
        };
        return 'on';
    }

    // Voila sets window.jupyterapp once every extension is loaded and started.
    const waitForApp = setInterval(() => {
        if (!window.jupyterapp) return;
        clearInterval(waitForApp);
        patchIpympl().then(
            state => { document.body.dataset.bpkDeferredSnapshots = state; },
            error => { document.body.dataset.bpkDeferredSnapshots = 'failed'; console.error(error); });
    }, 50);
})();

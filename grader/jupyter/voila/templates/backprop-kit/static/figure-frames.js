// How the demo page draws the frames of its live figures (ipympl 0.10 widgets).
//
// ipympl's own front end puts each frame (a PNG) in an <img>, waits for it to load and then
// decodes it on the page's only thread while drawing it; and as every frame arrives it
// encodes the figure as a PNG data URL (_data_url, the picture a saved notebook shows).  At
// projector size that is 3-10 ms of decoding and 10-25 ms of encoding per slider step.  Here:
// - a frame is decoded by createImageBitmap, off the page's thread; frames are drawn in the
//   order they came;
// - the kernel is told once (message "bpk_paste_frames") that this page reads pastes: from
//   then on a diff frame is one image of just the changed rectangles, packed side by side,
//   and its paSt chunk says where each goes (backprop_kit/frames.py);
// - a demo page is never saved, so the snapshot waits until the figure has been still for a
//   moment and the browser is idle.
//
// The model class comes from ipympl's own module container (window._JUPYTERLAB is where
// JupyterLab and Voila keep federated extensions; ipympl exposes "./index").  The same
// webpack runtime serves the widget manager, so this is the class its figures are made of.
// A frame that arrives before the page has patched it (the first, while the page loads) is
// drawn by ipympl's own code.
(function drawFiguresFast() {
    const STILL_FOR = 500;  // ms without a new frame before the snapshot is taken
    const IDLE_WAIT = 2000;  // ms: take it then even if the browser never goes idle

    function takeSnapshotLater(model) {
        clearTimeout(model.bpkSnapshotTimer);
        model.bpkSnapshotTimer = setTimeout(() => requestIdleCallback(
            () => model.set('_data_url', model.offscreen_canvas.toDataURL()), {timeout: IDLE_WAIT}), STILL_FOR);
    }

    // Where the parts of a frame's image go: [x, y, width, height, toX, toY] for each, from
    // its paSt chunk (which comes before the image data); the whole image at (0, 0) without one.
    function pastes(bytes) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let at = 8; at + 8 <= bytes.length;) {  // after the PNG's 8-byte signature: its chunks
            const length = view.getUint32(at);
            const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
            if (type === 'paSt') {
                const numbers = Array.from({length: length / 4}, (_, index) => view.getUint32(at + 8 + 4 * index));
                return Array.from({length: numbers.length / 6}, (_, index) => numbers.slice(6 * index, 6 * index + 6));
            }
            if (type === 'IDAT') break;
            at += 12 + length;  // length, type, data, CRC
        }
        return null;
    }

    function drawFrame(message, buffers) {
        const data = buffers[0];
        const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
                                               : new Uint8Array(data);
        const whole = this.get('_image_mode') === 'full';  // as the kernel said just before this frame
        const parts = pastes(bytes);
        const decoded = createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        // drawn in order: this frame after the ones before it
        this.bpkFrames = (this.bpkFrames || Promise.resolve()).then(() => decoded).then(image => {
            const context = this.offscreen_context;
            if (whole) context.clearRect(0, 0, this.offscreen_canvas.width, this.offscreen_canvas.height);
            if (parts === null) context.drawImage(image, 0, 0);
            for (const [x, y, width, height, toX, toY] of parts || []) {
                context.drawImage(image, x, y, width, height, toX, toY, width, height);
            }
            image.close();
            this._for_each_view(view => view.update_canvas());
        }).catch(error => console.error('backprop-kit: a figure frame could not be drawn', error));
        this.waiting_for_image = false;
        if (!this.bpkAskedForPastes) {
            this.bpkAskedForPastes = true;
            this.send_message('bpk_paste_frames');
        }
        takeSnapshotLater(this);
    }

    async function patchIpympl() {
        const container = window._JUPYTERLAB && window._JUPYTERLAB['jupyter-matplotlib'];
        if (!container) return 'ipympl is not loaded';
        const ipympl = (await container.get('./index'))();
        const prototype = ipympl.MPLCanvasModel && ipympl.MPLCanvasModel.prototype;
        if (!prototype || typeof prototype.handle_binary !== 'function') return 'ipympl has no handle_binary';
        prototype.handle_binary = drawFrame;
        return 'on';
    }

    // Voila sets window.jupyterapp once every extension is loaded and started.
    const waitForApp = setInterval(() => {
        if (!window.jupyterapp) return;
        clearInterval(waitForApp);
        patchIpympl().then(
            state => { document.body.dataset.bpkFigureFrames = state; },
            error => { document.body.dataset.bpkFigureFrames = 'failed'; console.error(error); });
    }, 50);
})();

// How the demo page draws the frames of its live figures (ipympl 0.10 widgets).
//
// ipympl's own front end puts each frame (a PNG) in an <img>, waits for it to load, and then
// decodes it on the page's only thread while drawing it; it also encodes the figure as a PNG
// data URL (_data_url, the picture a saved notebook shows) as every frame arrives.  At
// projector size that is 10-25 ms of encoding and 3-10 ms of decoding per slider step.
// Here a frame is decoded by createImageBitmap, off the page's thread, and frames are drawn
// in the order they came.  The kernel is told once (message "bpk_offset_frames") that this
// page reads PNG offsets: from then on a diff frame is several PNGs one after the other,
// one per rectangle of changes, each drawn where its oFFs chunk says (backprop_kit/frames.py),
// not one image of everything above and to the left of the last change.  A
// demo page is never saved, so the snapshot is taken once the figure has been still for a
// moment, when the browser is idle.
//
// The model class comes from ipympl's own module container (window._JUPYTERLAB is where
// JupyterLab and Voila keep federated extensions; ipympl exposes "./index").  The same
// webpack runtime serves the widget manager, so this is the class its figures are made of.
(function drawFiguresFast() {
    const STILL_FOR = 500;  // ms without a new frame before the snapshot is taken
    const IDLE_WAIT = 2000;  // ms: take it then even if the browser never goes idle

    function takeSnapshotLater(model) {
        clearTimeout(model.bpkSnapshotTimer);
        model.bpkSnapshotTimer = setTimeout(() => requestIdleCallback(
            () => model.set('_data_url', model.offscreen_canvas.toDataURL()), {timeout: IDLE_WAIT}), STILL_FOR);
    }

    // The PNGs of a frame, one after the other, each with its place: (x, y) from its oFFs chunk
    // (which comes before the image data), (0, 0) without one.
    function framePieces(bytes) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const pieces = [];
        let start = 0, x = 0, y = 0;
        for (let at = 8; at + 8 <= bytes.length;) {  // after a PNG's 8-byte signature: its chunks
            const length = view.getUint32(at);
            const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
            if (type === 'oFFs' && length >= 9 && bytes[at + 16] === 0) {  // unit 0: pixels
                [x, y] = [view.getInt32(at + 8), view.getInt32(at + 12)];
            }
            at += 12 + length;  // length, type, data, CRC
            if (type === 'IEND') {
                pieces.push({png: bytes.subarray(start, at), x, y});
                [start, x, y] = [at, 0, 0];
                at += 8;
            }
        }
        return pieces;
    }

    function drawFrame(message, buffers) {
        const data = buffers[0];
        const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
                                               : new Uint8Array(data);
        const whole = this.get('_image_mode') === 'full';  // as the kernel said just before this frame
        const pieces = framePieces(bytes);
        // decoded side by side, drawn in order: this frame after the ones before it
        const decoded = Promise.all(pieces.map(piece => createImageBitmap(new Blob([piece.png], {type: 'image/png'}))));
        this.bpkFrames = (this.bpkFrames || Promise.resolve()).then(() => decoded).then(images => {
            const context = this.offscreen_context;
            if (whole) context.clearRect(0, 0, this.offscreen_canvas.width, this.offscreen_canvas.height);
            images.forEach((image, index) => {
                context.drawImage(image, pieces[index].x, pieces[index].y);
                image.close();
            });
            this._for_each_view(view => view.update_canvas());
        }).catch(error => console.error('backprop-kit: a figure frame could not be drawn', error));
        this.waiting_for_image = false;
        if (!this.bpkAskedForOffsets) {
            this.bpkAskedForOffsets = true;
            this.send_message('bpk_offset_frames');
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

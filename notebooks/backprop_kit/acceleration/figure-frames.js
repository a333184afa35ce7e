// How the demo page draws the frames of its live figures (ipympl 0.10 widgets).
//
// ipympl's own front end puts each frame (a PNG) in an <img>, waits for it to load and then
// decodes it on the page's only thread while drawing it; and as every frame arrives it
// encodes the figure as a PNG data URL (_data_url, the picture a saved notebook shows).  At
// projector size that is 3-10 ms of decoding and 10-25 ms of encoding per slider step.  Here:
// - a frame is decoded by createImageBitmap, off the page's thread; frames are drawn in the
//   order they came;
// - the kernel is told once (message "bpk_paste_frames") that this page reads pastes: from
//   then on a diff frame is just the changed rectangles, raw, each with where it goes
//   (backprop_kit/acceleration/frames.py, raw_pastes), put in place with nothing to decode;
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

    // A diff frame of raw rectangles (backprop_kit/acceleration/frames.py, raw_pastes): "BPKR", their
    // number, x, y, width and height of each (little-endian uint32), then each one's RGBA rows.
    // Each is put in place as it is: nothing to decode.
    function isRawPastes(bytes) {
        return bytes.length >= 8 && bytes[0] === 0x42 && bytes[1] === 0x50 && bytes[2] === 0x4b && bytes[3] === 0x52;
    }

    function putRawPastes(context, bytes) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const count = view.getUint32(4, true);
        let at = 8 + 16 * count;  // the first rectangle's pixels
        for (let index = 0; index < count; index++) {
            const [x, y, width, height] = [0, 1, 2, 3].map(part => view.getUint32(8 + 16 * index + 4 * part, true));
            const size = 4 * width * height;
            const pixels = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + at, size);
            context.putImageData(new ImageData(pixels, width, height), x, y);
            at += size;
        }
    }

    function drawFrame(message, buffers) {
        const data = buffers[0];
        const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
                                               : new Uint8Array(data);
        const whole = this.get('_image_mode') === 'full';  // as the kernel said just before this frame
        const raw = isRawPastes(bytes);
        const decoded = raw ? null : createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        // drawn in order: this frame after the ones before it
        this.bpkFrames = (this.bpkFrames || Promise.resolve()).then(() => decoded).then(image => {
            const context = this.offscreen_context;
            if (raw) {
                putRawPastes(context, bytes);
            } else {
                if (whole) context.clearRect(0, 0, this.offscreen_canvas.width, this.offscreen_canvas.height);
                context.drawImage(image, 0, 0);
                image.close();
            }
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

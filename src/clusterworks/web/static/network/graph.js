/* The interactive network view of Clusterworks: a canvas 2D renderer with no library.
 *
 * Every element with a data-graph-src attribute is a view: the script fetches that JSON (nodes with id,
 * label, url, type, helix, community, clusters, member, x, y and the measures in "m"; edges as flat
 * [source, target, weight, first year] rows) and draws it. Controls inside the element are found by
 * their data-control attribute: helix checkboxes, type, cluster, year-from, year-to, size, colour,
 * search, zoom-in, zoom-out, reset. Dragging (a mouse or one finger) moves the drawing, the wheel and a
 * two-finger pinch zoom it, the arrow and +/- keys do both. Without JavaScript the element stays hidden
 * and the page's tables carry the same information.
 *
 * Speed: nodes are put once in a grid of square cells over the drawing's coordinates; hit-testing reads
 * the cells under the pointer, drawing reads the cells in the viewport. Edges are drawn in one path per
 * weight band, an edge shorter than a pixel and a half on screen is skipped, and a frame is drawn only
 * when something changed (requestAnimationFrame). The view says how many organisations pass the filters
 * in data-shown (and in its status line) and how many the last frame drew in data-drawn.
 */
(function () {
  "use strict";

  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
    "#332288", "#117733", "#882255", "#44aa99", "#aa4499"];
  var OTHER = "#b8b8b8";
  var CELL = 25; // world units per grid cell (the drawing spans 0..1000)
  var MIN_R = 2.5, MAX_R = 14; // node radius in pixels
  var BANDS = [
    { width: 0.8, colour: "rgba(90, 100, 120, 0.35)" },
    { width: 1.2, colour: "rgba(80, 90, 110, 0.5)" },
    { width: 2.0, colour: "rgba(60, 70, 90, 0.65)" }
  ];

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_m, name) {
      return values[name] === undefined ? "" : values[name];
    });
  }

  function number(value) {
    if (value === null || value === undefined) return "—";
    if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString();
    return Number(value.toPrecision(3)).toLocaleString();
  }

  function View(root, data) {
    this.root = root;
    this.data = data;
    this.text = data.text || {};
    this.canvas = root.querySelector("canvas");
    this.ctx = this.canvas.getContext("2d");
    this.tooltip = root.querySelector(".graph-tooltip");
    this.status = root.querySelector("[data-status]");
    this.legend = root.querySelector("[data-legend]");
    this.controls = {};
    var self = this;
    root.querySelectorAll("[data-control]").forEach(function (el) {
      var name = el.getAttribute("data-control");
      (self.controls[name] = self.controls[name] || []).push(el);
    });
    this.prepare();
    this.fillControls();
    this.bind();
    this.resize();
    this.applyFilters();
    this.fit();
    root.setAttribute("data-ready", "1");
  }

  View.prototype.control = function (name) {
    return (this.controls[name] || [])[0] || null;
  };

  View.prototype.prepare = function () {
    var nodes = this.data.nodes, edges = this.data.edges, n = nodes.length;
    this.n = n;
    this.x = new Float32Array(n);
    this.y = new Float32Array(n);
    for (var i = 0; i < n; i++) {
      this.x[i] = nodes[i].x;
      this.y[i] = nodes[i].y;
    }
    var m = Math.floor(edges.length / 4);
    this.m = m;
    this.ea = new Int32Array(m);
    this.eb = new Int32Array(m);
    this.ew = new Float32Array(m);
    this.ey = new Int32Array(m);
    var weights = [];
    for (var e = 0; e < m; e++) {
      this.ea[e] = edges[4 * e];
      this.eb[e] = edges[4 * e + 1];
      this.ew[e] = edges[4 * e + 2] || 0;
      this.ey[e] = edges[4 * e + 3];
      weights.push(this.ew[e]);
    }
    weights.sort(function (a, b) { return a - b; });
    this.bandLimits = [weights[Math.floor(0.5 * (m - 1))] || 0, weights[Math.floor(0.9 * (m - 1))] || 0];
    this.band = new Uint8Array(m);
    for (e = 0; e < m; e++) {
      this.band[e] = this.ew[e] > this.bandLimits[1] ? 2 : this.ew[e] > this.bandLimits[0] ? 1 : 0;
    }
    // neighbours, for the hovered node's ties
    var degree = new Int32Array(n + 1);
    for (e = 0; e < m; e++) { degree[this.ea[e] + 1]++; degree[this.eb[e] + 1]++; }
    for (i = 0; i < n; i++) degree[i + 1] += degree[i];
    this.adjStart = degree;
    this.adj = new Int32Array(2 * m);
    var fill = degree.slice(0, n);
    for (e = 0; e < m; e++) {
      this.adj[fill[this.ea[e]]++] = e;
      this.adj[fill[this.eb[e]]++] = e;
    }
    // the grid of cells
    this.cols = Math.ceil(1001 / CELL);
    this.cells = new Map();
    for (i = 0; i < n; i++) {
      var key = Math.floor(this.y[i] / CELL) * this.cols + Math.floor(this.x[i] / CELL);
      var cell = this.cells.get(key);
      if (!cell) this.cells.set(key, (cell = []));
      cell.push(i);
    }
    var years = [];
    for (e = 0; e < m; e++) if (this.ey[e] >= 0) years.push(this.ey[e]);
    this.firstYear = years.length ? Math.min.apply(null, years) : null;
    this.lastYear = years.length ? Math.max.apply(null, years) : null;
    this.visible = new Uint8Array(n);
    this.edgeOn = new Uint8Array(m);
    this.radius = new Float32Array(n);
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.hover = -1;
    this.found = -1;
    this.sizeBy = 0;
    this.colourBy = "helix";
  };

  View.prototype.fillControls = function () {
    var data = this.data, self = this, helices = {};
    data.nodes.forEach(function (node) { helices[node.helix] = true; });
    (this.controls.helix || []).forEach(function (box) {
      var label = box.closest("label") || box;
      label.hidden = !helices[box.value];
    });
    var type = this.control("type");
    if (type) {
      var types = {};
      data.nodes.forEach(function (node) { types[node.type] = true; });
      Object.keys(types).sort(function (a, b) {
        return String(self.typeLabel(a)).localeCompare(String(self.typeLabel(b)));
      }).forEach(function (code) {
        var option = document.createElement("option");
        option.value = code;
        option.textContent = self.typeLabel(code);
        type.appendChild(option);
      });
    }
    var cluster = this.control("cluster");
    if (cluster) {
      var field = this.root.querySelector("[data-cluster-field]");
      if (!data.clusters || !data.clusters.length) {
        if (field) field.hidden = true;
      } else {
        data.clusters.forEach(function (key, index) {
          var option = document.createElement("option");
          option.value = String(index);
          option.textContent = (data.clusterLabels || {})[key] || key;
          cluster.appendChild(option);
        });
      }
    }
    var size = this.control("size");
    if (size) {
      (data.measures || []).forEach(function (name, index) {
        var option = document.createElement("option");
        option.value = String(index);
        option.textContent = (data.measureLabels || [])[index] || name;
        size.appendChild(option);
      });
    }
    ["year-from", "year-to"].forEach(function (name) {
      var input = self.control(name);
      if (!input) return;
      if (self.firstYear === null) {
        input.disabled = true;
        return;
      }
      input.min = self.firstYear;
      input.max = self.lastYear;
      input.placeholder = name === "year-from" ? self.firstYear : self.lastYear;
    });
  };

  View.prototype.typeLabel = function (code) {
    return (this.data.typeLabels || {})[code] || code || "—";
  };

  View.prototype.bind = function () {
    var self = this, canvas = this.canvas;
    var refilter = function () { self.applyFilters(); };
    (this.controls.helix || []).forEach(function (box) { box.addEventListener("change", refilter); });
    ["type", "cluster", "year-from", "year-to"].forEach(function (name) {
      (self.controls[name] || []).forEach(function (el) {
        el.addEventListener("change", refilter);
        el.addEventListener("input", refilter);
      });
    });
    var size = this.control("size");
    if (size) size.addEventListener("change", function () { self.sizeBy = Number(size.value) || 0; self.computeRadii(); self.draw(); });
    var colour = this.control("colour");
    if (colour) colour.addEventListener("change", function () { self.colourBy = colour.value; self.renderLegend(); self.draw(); });
    var search = this.control("search");
    if (search) {
      search.addEventListener("input", function () { self.search(search.value, false); });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); self.search(search.value, true); }
      });
    }
    var zoomIn = this.control("zoom-in"), zoomOut = this.control("zoom-out"), reset = this.control("reset");
    if (zoomIn) zoomIn.addEventListener("click", function () { self.zoomAt(1.5); });
    if (zoomOut) zoomOut.addEventListener("click", function () { self.zoomAt(1 / 1.5); });
    if (reset) reset.addEventListener("click", function () { self.fit(); });

    // Gestures: the pointers down on the canvas by id. One (a mouse, a pen or a finger) drags the
    // drawing, or clicks an organisation when it hardly moved; two fingers pinch: the drawing scales by
    // the change of their distance around their midpoint, and follows the midpoint when it moves.
    var pointers = {}, drag = null, pinch = null;
    var startDrag = function (point, moved) {
      drag = { x: point.x, y: point.y, tx: self.tx, ty: self.ty, moved: moved };
    };
    var startPinch = function () {
      var ids = Object.keys(pointers), a = pointers[ids[0]], b = pointers[ids[1]];
      var mid = self.local({ clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 });
      pinch = {
        ids: ids.slice(0, 2),
        distance: Math.max(Math.hypot(a.x - b.x, a.y - b.y), 1),
        wx: (mid.x - self.tx) / self.scale,
        wy: (mid.y - self.ty) / self.scale,
        scale: self.scale
      };
    };
    canvas.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      try {
        canvas.setPointerCapture(event.pointerId);
      } catch (_error) {
        // a pointer that is no longer down cannot be captured; the gesture goes on without it
      }
      var count = Object.keys(pointers).length;
      if (count === 1) startDrag(pointers[event.pointerId], false);
      else if (count === 2) {
        drag = null;
        startPinch();
        self.hideTooltip();
      }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (pointers[event.pointerId]) pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      if (pinch) {
        var a = pointers[pinch.ids[0]], b = pointers[pinch.ids[1]];
        var mid = self.local({ clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 });
        var factor = Math.hypot(a.x - b.x, a.y - b.y) / pinch.distance;
        self.touched = true;
        self.scale = Math.max(0.05, Math.min(pinch.scale * factor, 400));
        self.tx = mid.x - pinch.wx * self.scale;
        self.ty = mid.y - pinch.wy * self.scale;
        self.draw();
        return;
      }
      if (drag) {
        var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
        if (drag.moved) {
          self.touched = true;
          self.tx = drag.tx + dx;
          self.ty = drag.ty + dy;
          self.hideTooltip();
          self.draw();
          return;
        }
      }
      var point = self.local(event);
      self.setHover(self.hit(point.x, point.y), point);
    });
    var lifted = function (event) {
      if (!pointers[event.pointerId]) return;
      var wasClick = event.type === "pointerup" && drag !== null && !drag.moved;
      delete pointers[event.pointerId];
      var left = Object.keys(pointers);
      pinch = null;
      drag = null;
      if (left.length >= 2) startPinch();
      else if (left.length === 1) startDrag(pointers[left[0]], true); // the finger left keeps dragging
      if (!wasClick) return;
      var point = self.local(event);
      var node = self.hit(point.x, point.y);
      if (node >= 0 && self.data.nodes[node].url) window.location.assign(self.data.nodes[node].url);
    };
    canvas.addEventListener("pointerup", lifted);
    canvas.addEventListener("pointercancel", lifted);
    canvas.addEventListener("pointerleave", function () { if (!drag) self.setHover(-1); });
    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = self.local(event);
      self.zoomAt(Math.exp(-event.deltaY * 0.0015), point.x, point.y);
    }, { passive: false });
    canvas.addEventListener("keydown", function (event) {
      var step = 40, moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) {
        self.touched = true;
        self.tx += moves[event.key][0];
        self.ty += moves[event.key][1];
      } else if (event.key === "+" || event.key === "=") self.zoomAt(1.25);
      else if (event.key === "-" || event.key === "_") self.zoomAt(0.8);
      else if (event.key === "0") self.fit();
      else if (event.key === "Enter" && self.found >= 0) window.location.assign(self.data.nodes[self.found].url);
      else return;
      event.preventDefault();
      self.draw();
    });
    var resized = function () {
      self.resize();
      if (self.touched) self.draw();
      else self.fit();
    };
    if (window.ResizeObserver) new ResizeObserver(resized).observe(canvas);
    else window.addEventListener("resize", resized);
  };

  View.prototype.local = function (event) {
    var rect = this.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  View.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1;
    var width = this.canvas.clientWidth || 600, height = this.canvas.clientHeight || 480;
    if (this.width && (width !== this.width || height !== this.height)) {
      this.tx += (width - this.width) / 2;
      this.ty += (height - this.height) / 2;
    }
    this.width = width;
    this.height = height;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  };

  // ------------------------------------------------------------------------------------ filters

  View.prototype.applyFilters = function () {
    var helices = {}, anyHelix = false;
    (this.controls.helix || []).forEach(function (box) {
      anyHelix = true;
      if (box.checked) helices[box.value] = true;
    });
    var type = this.control("type") ? this.control("type").value : "";
    var clusterControl = this.control("cluster");
    var cluster = clusterControl && clusterControl.value !== "" ? Number(clusterControl.value) : null;
    var from = this.yearValue("year-from"), to = this.yearValue("year-to");
    var nodes = this.data.nodes, shown = 0;
    for (var i = 0; i < this.n; i++) {
      var node = nodes[i];
      var on = (!anyHelix || helices[node.helix] === true)
        && (!type || node.type === type)
        && (cluster === null || node.clusters.indexOf(cluster) >= 0);
      this.visible[i] = on ? 1 : 0;
      if (on) shown++;
    }
    for (var e = 0; e < this.m; e++) {
      var year = this.ey[e];
      var inRange = (from === null || (year >= 0 && year >= from)) && (to === null || (year >= 0 && year <= to));
      this.edgeOn[e] = this.visible[this.ea[e]] && this.visible[this.eb[e]] && inRange ? 1 : 0;
    }
    this.shown = shown;
    this.root.setAttribute("data-shown", String(shown));
    if (this.status) {
      this.status.textContent = format(this.text.shown || "%(shown)s / %(total)s", {
        shown: shown.toLocaleString(), total: Number(this.data.total || this.n).toLocaleString()
      });
    }
    if (this.hover >= 0 && !this.visible[this.hover]) this.setHover(-1);
    this.computeRadii();
    this.renderLegend();
    this.draw();
  };

  View.prototype.yearValue = function (name) {
    var input = this.control(name);
    if (!input || input.value === "") return null;
    var value = Number(input.value);
    return Number.isFinite(value) ? value : null;
  };

  View.prototype.helixColours = function () {
    return this.data.helixColours || {};
  };

  View.prototype.computeRadii = function () {
    var k = this.sizeBy, nodes = this.data.nodes, top = 0, i;
    for (i = 0; i < this.n; i++) {
      var v = nodes[i].m[k];
      if (this.visible[i] && v !== null && v > top) top = v;
    }
    for (i = 0; i < this.n; i++) {
      var value = nodes[i].m[k];
      var share = top > 0 && value !== null && value > 0 ? Math.sqrt(value / top) : 0;
      this.radius[i] = MIN_R + (MAX_R - MIN_R) * share;
    }
  };

  View.prototype.colourOf = function (i) {
    var node = this.data.nodes[i];
    if (this.colourBy === "community") return node.community < PALETTE.length ? PALETTE[node.community] : OTHER;
    return this.helixColours()[node.helix] || OTHER;
  };

  View.prototype.renderLegend = function () {
    if (!this.legend) return;
    var items = [], self = this, i;
    if (this.colourBy === "community") {
      var seen = {};
      for (i = 0; i < this.n; i++) if (this.visible[i]) seen[this.data.nodes[i].community] = true;
      Object.keys(seen).map(Number).sort(function (a, b) { return a - b; }).forEach(function (c) {
        if (c < PALETTE.length) items.push([PALETTE[c], (self.text.community || "Community") + " " + (c + 1)]);
      });
      if (Object.keys(seen).some(function (c) { return Number(c) >= PALETTE.length; })) items.push([OTHER, this.text.other || "…"]);
    } else {
      var present = {};
      for (i = 0; i < this.n; i++) if (this.visible[i]) present[this.data.nodes[i].helix] = true;
      Object.keys(this.helixColours()).forEach(function (helix) {
        if (present[helix]) items.push([self.helixColours()[helix], (self.data.helixLabels || {})[helix] || helix]);
      });
    }
    this.legend.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "graph-swatch";
      swatch.setAttribute("data-colour", item[0]);
      swatch.style.backgroundColor = item[0];
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(" " + item[1]));
      self.legend.appendChild(li);
    });
  };

  // ------------------------------------------------------------------------------ geometry

  View.prototype.fit = function () {
    this.touched = false;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, any = false;
    for (var i = 0; i < this.n; i++) {
      if (!this.visible[i]) continue;
      any = true;
      minX = Math.min(minX, this.x[i]); maxX = Math.max(maxX, this.x[i]);
      minY = Math.min(minY, this.y[i]); maxY = Math.max(maxY, this.y[i]);
    }
    if (!any) { minX = minY = 0; maxX = maxY = 1000; }
    var pad = MAX_R + 8, padRight = pad + 70; // room for the labels right of the dots
    var spanX = Math.max(maxX - minX, 1), spanY = Math.max(maxY - minY, 1);
    this.scale = Math.min((this.width - pad - padRight) / spanX, (this.height - 2 * pad) / spanY);
    if (!isFinite(this.scale) || this.scale <= 0) this.scale = 1;
    this.scale = Math.min(this.scale, 8);
    this.tx = (this.width + pad - padRight) / 2 - this.scale * (minX + maxX) / 2;
    this.ty = this.height / 2 - this.scale * (minY + maxY) / 2;
    this.draw();
  };

  View.prototype.zoomAt = function (factor, px, py) {
    this.touched = true;
    if (px === undefined) { px = this.width / 2; py = this.height / 2; }
    var scale = Math.max(0.05, Math.min(this.scale * factor, 400));
    var f = scale / this.scale;
    this.tx = px - (px - this.tx) * f;
    this.ty = py - (py - this.ty) * f;
    this.scale = scale;
    this.draw();
  };

  View.prototype.screen = function (i) {
    return { x: this.x[i] * this.scale + this.tx, y: this.y[i] * this.scale + this.ty };
  };

  View.prototype.cellRange = function (x0, y0, x1, y1) {
    return {
      c0: Math.max(0, Math.floor(x0 / CELL)), c1: Math.min(this.cols - 1, Math.floor(x1 / CELL)),
      r0: Math.max(0, Math.floor(y0 / CELL)), r1: Math.min(this.cols - 1, Math.floor(y1 / CELL))
    };
  };

  View.prototype.eachNodeIn = function (x0, y0, x1, y1, visit) {
    var range = this.cellRange(x0, y0, x1, y1);
    for (var r = range.r0; r <= range.r1; r++) {
      for (var c = range.c0; c <= range.c1; c++) {
        var cell = this.cells.get(r * this.cols + c);
        if (!cell) continue;
        for (var k = 0; k < cell.length; k++) visit(cell[k]);
      }
    }
  };

  View.prototype.hit = function (px, py) {
    var wx = (px - this.tx) / this.scale, wy = (py - this.ty) / this.scale;
    var reach = (MAX_R + 3) / this.scale, best = -1, bestDistance = Infinity, self = this;
    this.eachNodeIn(wx - reach, wy - reach, wx + reach, wy + reach, function (i) {
      if (!self.visible[i]) return;
      var s = self.screen(i), d = Math.hypot(s.x - px, s.y - py);
      if (d <= self.radius[i] + 3 && d < bestDistance) { best = i; bestDistance = d; }
    });
    return best;
  };

  // ----------------------------------------------------------------------------- drawing

  View.prototype.draw = function () {
    if (this.pending) return;
    var self = this;
    this.pending = true;
    window.requestAnimationFrame(function () { self.pending = false; self.render(); });
  };

  View.prototype.render = function () {
    var ctx = this.ctx, scale = this.scale, tx = this.tx, ty = this.ty;
    ctx.clearRect(0, 0, this.width, this.height);
    var x0 = -tx / scale, y0 = -ty / scale, x1 = (this.width - tx) / scale, y1 = (this.height - ty) / scale;
    var minLength = 1.5 / scale, e;
    var paths = BANDS.map(function () { return new Path2D(); });
    for (e = 0; e < this.m; e++) {
      if (!this.edgeOn[e]) continue;
      var a = this.ea[e], b = this.eb[e];
      var ax = this.x[a], ay = this.y[a], bx = this.x[b], by = this.y[b];
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue;
      if (Math.abs(ax - bx) + Math.abs(ay - by) < minLength) continue;
      var path = paths[this.band[e]];
      path.moveTo(ax * scale + tx, ay * scale + ty);
      path.lineTo(bx * scale + tx, by * scale + ty);
    }
    BANDS.forEach(function (band, index) {
      ctx.strokeStyle = band.colour;
      ctx.lineWidth = band.width;
      ctx.stroke(paths[index]);
    });
    var focus = this.hover >= 0 ? this.hover : this.found;
    if (focus >= 0) {
      var ties = new Path2D();
      for (var k = this.adjStart[focus]; k < this.adjStart[focus + 1]; k++) {
        e = this.adj[k];
        if (!this.edgeOn[e]) continue;
        ties.moveTo(this.x[this.ea[e]] * scale + tx, this.y[this.ea[e]] * scale + ty);
        ties.lineTo(this.x[this.eb[e]] * scale + tx, this.y[this.eb[e]] * scale + ty);
      }
      ctx.strokeStyle = "rgba(20, 20, 20, 0.75)";
      ctx.lineWidth = 1.6;
      ctx.stroke(ties);
    }
    var pad = MAX_R / scale, drawn = 0, self = this, byColour = {}, members = new Path2D(), labels = [];
    this.eachNodeIn(x0 - pad, y0 - pad, x1 + pad, y1 + pad, function (i) {
      if (!self.visible[i]) return;
      var colour = self.colourOf(i), sx = self.x[i] * scale + tx, sy = self.y[i] * scale + ty, r = self.radius[i];
      var path = byColour[colour] || (byColour[colour] = new Path2D());
      path.moveTo(sx + r, sy);
      path.arc(sx, sy, r, 0, 2 * Math.PI);
      if (self.data.nodes[i].member) { members.moveTo(sx + r, sy); members.arc(sx, sy, r, 0, 2 * Math.PI); }
      if (r >= 9 || scale > 3) labels.push(i);
      drawn++;
    });
    Object.keys(byColour).forEach(function (colour) {
      ctx.fillStyle = colour;
      ctx.fill(byColour[colour]);
    });
    ctx.strokeStyle = "#1f2933";
    ctx.lineWidth = 1.4;
    ctx.stroke(members);
    if (focus >= 0 && this.visible[focus]) {
      var s = this.screen(focus);
      ctx.beginPath();
      ctx.arc(s.x, s.y, this.radius[focus] + 4, 0, 2 * Math.PI);
      ctx.strokeStyle = "#d55e00";
      ctx.lineWidth = 2.5;
      ctx.stroke();
      labels.push(focus);
    }
    labels.sort(function (a, b) { return (b === focus) - (a === focus) || self.radius[b] - self.radius[a]; });
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    var taken = [];
    labels.slice(0, 60).forEach(function (i) {
      var p = self.screen(i), label = self.data.nodes[i].label;
      if (label.length > 40) label = label.slice(0, 39) + "…";
      var box = { x: p.x + self.radius[i] + 3, y: p.y - 8, w: ctx.measureText(label).width, h: 16 };
      var clash = i !== focus && taken.some(function (t) {
        return box.x < t.x + t.w && t.x < box.x + box.w && box.y < t.y + t.h && t.y < box.y + box.h;
      });
      if (clash) return;
      taken.push(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.strokeText(label, p.x + self.radius[i] + 3, p.y);
      ctx.fillStyle = "#1f2933";
      ctx.fillText(label, p.x + self.radius[i] + 3, p.y);
    });
    this.root.setAttribute("data-drawn", String(drawn));
  };

  // ------------------------------------------------------------------------ hover and search

  View.prototype.setHover = function (node, point) {
    if (node !== this.hover) {
      this.hover = node;
      this.canvas.style.cursor = node >= 0 ? "pointer" : "grab";
      this.draw();
    }
    if (node < 0) { this.hideTooltip(); return; }
    this.showTooltip(node, point || this.screen(node));
  };

  View.prototype.showTooltip = function (i, point) {
    var node = this.data.nodes[i], tip = this.tooltip, self = this;
    if (!tip) return;
    tip.textContent = "";
    var title = document.createElement("strong");
    title.textContent = node.label;
    tip.appendChild(title);
    var lines = [
      [this.text.type || "Type", this.typeLabel(node.type) + (node.member ? " · " + (this.text.member || "member") : "")],
      [this.text.sector || "Sector", (this.data.helixLabels || {})[node.helix] || node.helix],
      [this.text.community || "Community", String(node.community + 1)]
    ];
    (this.data.measures || []).forEach(function (name, k) {
      lines.push([(self.data.measureLabels || [])[k] || name, number(node.m[k])]);
    });
    var list = document.createElement("dl");
    lines.forEach(function (line) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = line[0];
      dd.textContent = line[1];
      list.appendChild(dt);
      list.appendChild(dd);
    });
    tip.appendChild(list);
    tip.hidden = false;
    var left = Math.min(point.x + 14, this.width - tip.offsetWidth - 4);
    var top = Math.min(point.y + 14, this.height - tip.offsetHeight - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = Math.max(0, top) + "px";
  };

  View.prototype.hideTooltip = function () {
    if (this.tooltip) this.tooltip.hidden = true;
  };

  View.prototype.search = function (value, centre) {
    var text = value.trim().toLowerCase();
    this.found = -1;
    if (text) {
      var best = -1;
      for (var i = 0; i < this.n; i++) {
        if (!this.visible[i]) continue;
        var label = this.data.nodes[i].label.toLowerCase();
        if (label.indexOf(text) < 0 && this.data.nodes[i].id.toLowerCase() !== text) continue;
        if (best < 0 || this.radius[i] > this.radius[best] || label.indexOf(text) === 0) best = i;
        if (label.indexOf(text) === 0) break;
      }
      this.found = best;
      if (this.status) {
        this.status.textContent = best >= 0
          ? format(this.text.found || "%(name)s", { name: this.data.nodes[best].label })
          : format(this.text.noMatch || "%(text)s", { text: value.trim() });
      }
      if (best >= 0 && centre) {
        this.scale = Math.max(this.scale, 2);
        this.tx = this.width / 2 - this.x[best] * this.scale;
        this.ty = this.height / 2 - this.y[best] * this.scale;
      }
    } else {
      this.applyFilters();
    }
    this.root.setAttribute("data-found", this.found >= 0 ? this.data.nodes[this.found].id : "");
    this.draw();
  };

  // ------------------------------------------------------------------------------------- start

  var views = [];

  function start(root) {
    root.hidden = false;
    var status = root.querySelector("[data-status]");
    fetch(root.getAttribute("data-graph-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) { views.push(new View(root, data)); })
      .catch(function () {
        root.setAttribute("data-error", "1");
        if (status) status.textContent = root.getAttribute("data-error-text") || "—";
      });
  }

  window.clusterworksNetwork = {
    views: views,
    /* Where organisation ``id`` of the first view is drawn, in the window's coordinates (as mouse
       events give them; for tests and assistive tools), or null when it is filtered out. */
    position: function (id) {
      var view = views[0];
      if (!view) return null;
      for (var i = 0; i < view.n; i++) {
        if (view.data.nodes[i].id !== id) continue;
        if (!view.visible[i]) return null;
        var rect = view.canvas.getBoundingClientRect(), s = view.screen(i);
        return { x: rect.left + s.x, y: rect.top + s.y };
      }
      return null;
    }
  };

  function boot() {
    document.querySelectorAll("[data-graph-src]").forEach(start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

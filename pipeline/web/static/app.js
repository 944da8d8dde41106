/* vanban web: small vanilla JS (no libraries). Pages work without it. */
(function () {
  "use strict";

  function legend() {
    var box = document.getElementById("legend");
    var text = document.getElementById("doc-text");
    if (!box || !text) return;
    box.querySelectorAll("input[data-kind]").forEach(function (cb) {
      cb.addEventListener("change", function () {
        text.classList.toggle("hide-" + cb.getAttribute("data-kind"), !cb.checked);
      });
    });
  }

  function cell(tr, content) {
    var td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content || "";
    tr.appendChild(td);
    return td;
  }

  function addResult(tbody, r) {
    var tr = document.createElement("tr");
    tr.className = r.ok ? "ok" : "bad";
    cell(tr, r.name);
    cell(tr, r.status_vi);
    if (r.document_id) {
      var a = document.createElement("a");
      a.href = "/documents/" + encodeURIComponent(r.document_id);
      a.textContent = r.symbol || ("Văn bản #" + r.document_id);
      cell(tr, a);
    } else cell(tr, "");
    var note = cell(tr, "");
    if (r.error) { var e = document.createElement("span"); e.className = "error"; e.textContent = r.error; note.appendChild(e); }
    (r.warnings || []).forEach(function (w) { var d = document.createElement("div"); d.className = "muted"; d.textContent = w; note.appendChild(d); });
    tbody.appendChild(tr);
  }

  function sendOne(form, file, onProgress) {
    return new Promise(function (resolve) {
      var fd = new FormData();
      fd.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      fd.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/upload?format=json");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status === 200 && data && data.results && data.results.length) resolve(data.results[0]);
        else resolve({ name: file.name, ok: false, status_vi: "Lỗi", error: (data && data.detail) || ("Lỗi máy chủ (" + xhr.status + ")") });
      };
      xhr.onerror = function () { resolve({ name: file.name, ok: false, status_vi: "Lỗi", error: "Mất kết nối tới máy chủ" }); };
      xhr.send(fd);
    });
  }

  function upload() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var input = document.getElementById("files");
    var drop = document.getElementById("drop");
    var table = document.getElementById("upload-results");
    var tbody = table.querySelector("tbody");
    var bar = document.getElementById("progress-bar");
    var label = document.getElementById("progress-text");
    var box = document.getElementById("progress");
    var button = document.getElementById("upload-button");
    var dropped = null;

    ["dragenter", "dragover"].forEach(function (n) {
      drop.addEventListener(n, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (n) {
      drop.addEventListener(n, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (ev) {
      if (ev.dataTransfer && ev.dataTransfer.files.length) {
        dropped = ev.dataTransfer.files;
        label.textContent = dropped.length + " tệp đã chọn";
        box.hidden = false;
      }
    });
    input.addEventListener("change", function () { dropped = null; });

    form.addEventListener("submit", function (ev) {
      var files = dropped || input.files;
      if (!files || !files.length) return; /* the server says "no file" */
      ev.preventDefault();
      var list = Array.prototype.slice.call(files);
      var n = list.length, done = 0, ok = 0;
      button.disabled = true;
      box.hidden = false;
      table.hidden = false;
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      bar.max = n; bar.value = 0;
      function next() {
        if (!list.length) {
          label.textContent = "Xong: " + ok + "/" + n + " tệp thành công";
          box.setAttribute("data-done", "1");
          button.disabled = false;
          dropped = null;
          return;
        }
        var f = list.shift();
        label.textContent = "Đang xử lý " + (done + 1) + "/" + n + ": " + f.name;
        sendOne(form, f, function (frac) { bar.value = done + frac * 0.5; }).then(function (r) {
          done += 1; if (r.ok) ok += 1;
          bar.value = done;
          addResult(tbody, r);
          next();
        });
      }
      next();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { legend(); upload(); });
})();

// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
});

// htmx: swap 4xx answers too (forms come back with their Chinese field errors, conflicts with the reason);
// only server errors are left unswapped and reported.
// app.js is deferred after htmx, so htmx is defined when this runs.
if (window.htmx) {
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];
}
document.addEventListener("htmx:responseError", (event) => {
  const target = event.detail.target;
  if (target) {
    const note = document.createElement("p");
    note.className = "alert";
    note.setAttribute("role", "alert");
    note.textContent = "服务器暂时无法处理该请求，请稍后重试。";
    target.prepend(note);
  }
});

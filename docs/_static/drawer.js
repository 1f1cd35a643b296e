// On a phone the site's contents open as a drawer: open it at the current page, not at the top
// of a list of thirty pages.
(() => {
  const toggle = document.getElementById("__navigation");
  if (!toggle) return;
  toggle.addEventListener("change", () => {
    if (!toggle.checked) return;
    const current = document.querySelector(".sidebar-tree .current-page > a, .sidebar-tree a.current");
    if (current) current.scrollIntoView({ block: "center", behavior: "instant" });
  });
})();

// Code, outputs, tables, equations and wide figures that scroll sideways can be scrolled from the keyboard:
// each one that overflows its column is focusable (axe-core: scrollable-region-focusable);
// one that fits is not, so Tab does not stop at every code block.
(() => {
  const scrollers = "article pre, article .cell_output:has(img), article .table-wrapper, article .math-wrapper";
  const update = () => {
    for (const element of document.querySelectorAll(scrollers)) {
      if (element.scrollWidth > element.clientWidth) {
        element.setAttribute("tabindex", "0");
      } else {
        element.removeAttribute("tabindex");
      }
    }
  };
  update();
  new ResizeObserver(update).observe(document.querySelector("article") || document.body);
})();

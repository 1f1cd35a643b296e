// A backward pass's step-through (autograd_guide.flow): one step at a time. A bar under the steps,
// kept in view while the figure scrolls, holds the buttons, the step and what ran in it (announced
// to screen readers); the left/right arrow keys step too. Without JavaScript every step shows.
(() => {
  for (const widget of document.querySelectorAll(".flow-steps")) {
    const steps = [...widget.querySelectorAll(".flow-step")];
    const bar = document.createElement("div");
    bar.className = "flow-bar";
    const add = (tag, className, text) => {
      const element = bar.appendChild(document.createElement(tag));
      element.className = className;
      if (text) element.textContent = text;
      return element;
    };
    const previous = add("button", "flow-previous", widget.dataset.previous);
    const counter = add("span", "flow-counter");
    counter.setAttribute("aria-hidden", "true"); // the caption below says it to screen readers
    const next = add("button", "flow-next", widget.dataset.next);
    previous.type = next.type = "button";
    const caption = add("p", "flow-caption");
    caption.setAttribute("aria-live", "polite");
    const heard = caption.appendChild(document.createElement("span"));
    heard.className = "flow-heard";
    const what = caption.appendChild(document.createElement("span"));
    let current = 0;
    const show = (index) => {
      current = Math.max(0, Math.min(steps.length - 1, index));
      steps.forEach((step, i) => { step.hidden = i !== current; });
      const where = steps[current].querySelector(".flow-where");
      counter.textContent = where.textContent;
      heard.textContent = where.textContent + where.nextSibling.textContent; // with its colon
      what.textContent = steps[current].querySelector(".flow-what").textContent;
      const focused = document.activeElement;
      previous.disabled = current === 0;
      next.disabled = current === steps.length - 1;
      // A button that just went disabled loses focus to the page: hand it to the other one.
      if (focused === next && next.disabled) previous.focus();
      if (focused === previous && previous.disabled) next.focus();
    };
    previous.addEventListener("click", () => show(current - 1));
    next.addEventListener("click", () => show(current + 1));
    widget.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (step) {
        event.preventDefault();
        show(current + step);
      }
    });
    widget.tabIndex = 0;
    widget.classList.add("stepping");
    widget.append(bar);
    show(0);
  }
})();

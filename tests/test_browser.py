"""The built site in a real browser: Playwright driving Debian's chromium, served on localhost.

Needs /usr/bin/chromium (`apt-get install chromium fonts-noto-cjk`, as .ci/run does), or the
path in $CHROMIUM. Screenshots land in _build/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from screenshots import PHONE

from guide_site import BUILD

SCREENSHOTS = BUILD / "screenshots"
FIGURE_PAGE = "detach"  # a page with several graph figures


@pytest.mark.parametrize(("start", "target"), [("zh/detach.html", "en/detach.html"), ("en/detach.html", "zh/detach.html")])
def test_switcher_lands_on_the_twin(visit, start, target):
    v = visit()
    page = v.open(start)
    page.click("a.lang-switch-link")
    page.wait_for_load_state("networkidle")
    assert page.url == v.base_url + target
    assert page.locator("html").get_attribute("lang") == ("en" if target.startswith("en") else "zh-CN")


@pytest.mark.parametrize(("start", "target"), [("zh", "en"), ("en", "zh")])
def test_switcher_keeps_the_section(visit, start, target):
    v = visit()
    page = v.open(f"{target}/{FIGURE_PAGE}.html")
    twin_ids = page.eval_on_selector_all("article section[id]", "ss => ss.map(s => s.id)")
    page = v.open(f"{start}/{FIGURE_PAGE}.html")
    ids = page.eval_on_selector_all("article section[id]", "ss => ss.map(s => s.id)")
    page.goto(f"{v.base_url}{start}/{FIGURE_PAGE}.html#{ids[3]}")
    page.click("a.lang-switch-link")
    page.wait_for_url(f"**/{target}/{FIGURE_PAGE}.html#*", timeout=5000)
    assert page.url.endswith(f"#{twin_ids[3]}")
    assert 0 <= page.eval_on_selector(f"[id='{twin_ids[3]}']", "s => s.getBoundingClientRect().top") < 100


@pytest.mark.parametrize(
    ("folder", "query", "first"),
    [
        ("zh", "叶子张量", "leaf-tensors"),
        ("zh", "叶子张量的梯度", "retain-grad"),
        ("en", "leaf tensor", "leaf-tensors"),
        # as readers ask (docs/search_synonyms.tsv): the section that answers, before any page that merely
        # holds the words
        ("en", "backward twice", "errors"),
        ("zh", "二次反向传播", "errors"),
        ("en", "grad is None", "grad-and-grad-fn"),
        ("zh", "清零梯度", "accumulation"),
        ("en", "zero grad", "accumulation"),
        ("zh", "backward twice", "errors"),
    ],
)
def test_search_lists_the_right_page_first(visit, folder, query, first):
    v = visit()
    page = v.open(f"{folder}/search.html?q={query}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    href = results.first.get_attribute("href")
    assert href.split("?")[0].split("#")[0] == f"{first}.html", f"first result for {query!r}: {href}"


def test_copy_button_copies_code_without_prompts(visit):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    page = v.open("en/leaf-tensors.html")
    assert page.locator(".cell_output button.copybtn").count() == 0, "outputs must not get a copy button"
    doctest = page.locator("div.highlight-pycon").first
    doctest.hover()
    doctest.locator("button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("import torch"), copied[:80]
    assert ">>>" not in copied and "..." not in copied.splitlines()[0]
    # Output lines of the session are not copied, only the input lines.
    source = doctest.inner_text()
    outputs = [line for line in source.splitlines() if line and not line.startswith((">>>", "..."))]
    assert outputs and not any(line in copied.splitlines() for line in outputs if line.strip() not in ("", "True", "False")), copied


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("folder", ["zh", "en"])
def test_figures_visible_no_errors_no_foreign_requests(visit, folder, theme):
    v = visit(theme=theme, viewport={"width": 1280, "height": 900})
    page = v.open(f"{folder}/{FIGURE_PAGE}.html")
    assert page.evaluate("document.body.dataset.theme") == theme
    figures = page.locator("article .graph-box > svg")
    assert figures.count() >= 1
    for index in range(figures.count()):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        box = figure.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"figure {index} has no size: {box}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{folder}-{FIGURE_PAGE}-{theme}.png"), full_page=False)
    assert not v.errors, f"console errors: {v.errors}"
    assert not v.foreign_requests(), f"requests left localhost: {v.foreign_requests()}"


@pytest.mark.parametrize("path", ["zh/index.html", "en/index.html", "zh/leaf-tensors.html", "en/autograd-grad.html"])
def test_pages_request_nothing_from_other_hosts(visit, path):
    v = visit()
    v.open(path)
    assert not v.foreign_requests(), f"requests left localhost: {v.foreign_requests()}"
    assert not v.errors, f"console errors: {v.errors}"


def test_math_renders_as_mathml(visit):
    page = visit().open("en/detach.html")
    assert page.locator("math").count() > 0
    assert page.locator("math").first.bounding_box()["width"] > 0


SMALLEST_TEXT_PX = 11
FIT_SHARE = 0.9  # of a language's graph figures fit a 390 px phone's column

# Every graph figure of the page, every step of a step-through too: its smallest text as drawn, in
# CSS px, whether it fits its column, and, if not, whether its box scrolls and offers it at full size.
FIGURES = """async () => {
  for (const step of document.querySelectorAll(".flow-steps .flow-step")) step.hidden = false;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return [...document.querySelectorAll("article .graph-box")].map((box) => {
    const svg = box.querySelector(":scope > svg");
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(t.getAttribute("font-size")));
    const open = box.previousElementSibling;
    return {
      smallest: Math.min(...sizes) * scale,
      fits: box.scrollWidth <= box.clientWidth + 1 && box.getBoundingClientRect().right <= innerWidth,
      scrolls: getComputedStyle(box).overflowX === "auto",
      open: open !== null && open.matches(".graph-open") && !open.hidden && open.getBoundingClientRect().height >= 24,
    };
  });
}"""


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_figures_fit_a_phone_with_readable_text(site, visit, folder):
    """At 390 px no page scrolls sideways; at least FIT_SHARE of the graph figures fit the column,
    none with text under 11 px; each one that does not fit scrolls in its box and opens at full size."""
    pages = sorted(p.name for p in (site / folder).glob("*.html") if 'class="graph-box"' in p.read_text(encoding="utf-8"))
    v = visit(**PHONE)
    problems, wide, count = [], [], 0
    for name in pages:
        page = v.page
        page.goto(f"{v.base_url}{folder}/{name}", wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.append(f"{folder}/{name} scrolls sideways by {overflow}px")
        for index, figure in enumerate(page.evaluate(FIGURES)):
            count += 1
            where = f"{folder}/{name} figure {index}"
            if figure["smallest"] < SMALLEST_TEXT_PX - 0.05:
                problems.append(f"{where}: smallest text {figure['smallest']:.1f}px")
            if not figure["fits"]:
                wide.append(where)
                if not (figure["scrolls"] and figure["open"]):
                    problems.append(f"{where} is wider than its column without a scrolling box and a full-size button")
    print(f"{folder}: {count - len(wide)} of {count} figures fit; wider: {wide}")  # shown with -s
    assert not problems, "\n".join(problems)
    assert count > 50 and (count - len(wide)) / count >= FIT_SHARE, f"{len(wide)} of {count} figures are wider: {wide}"
    assert not v.errors, f"console errors: {v.errors}"


def test_a_wide_figure_opens_at_full_size_and_closes(visit):
    """At 390 px every figure fits; on a 320 px phone the widest do not: they start at their middle
    and a button opens them at full size."""
    page = visit(**{**PHONE, "viewport": {"width": 320, "height": 640}}).open("en/tiny-autograd.html")
    wide = page.locator(".graph-open:visible + .graph-box").first
    assert wide.evaluate("b => b.scrollLeft > 0 && Math.abs(b.scrollLeft - (b.scrollWidth - b.clientWidth) / 2) <= 1")
    button = page.locator(".graph-open:visible").first
    button.scroll_into_view_if_needed()
    button.click()
    dialog = page.locator("dialog.graph-full")
    assert dialog.evaluate("d => d.open")
    width = dialog.locator("svg").evaluate("s => s.getBoundingClientRect().width")
    assert width == pytest.approx(float(dialog.locator("svg").get_attribute("width")), abs=1)
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open") and dialog.locator("svg").count() == 0


@pytest.mark.parametrize(
    ("folder", "title"),
    [
        ("zh", "叶子张量 a：形状 (1,)，float32，requires_grad=True"),
        ("en", "Leaf tensor a: shape (1,), float32, requires_grad=True"),
    ],
)
def test_graph_nodes_are_links_with_titles_reachable_by_keyboard(visit, folder, title):
    page = visit(**PHONE).open(f"{folder}/grad-and-grad-fn.html")
    nodes = page.locator("article .graph-box a.node")
    assert nodes.count() > 10
    titles = nodes.evaluate_all("ns => ns.map(n => n.querySelector('title').textContent)")
    assert title in titles, titles[:8]
    leaf = nodes.filter(has=page.locator(f"title:text-is('{title}')")).first
    # Keyboard: Tab moves focus from node to node, each a link with its title as its name.
    leaf.focus()
    assert page.evaluate("document.activeElement.matches('a.node')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.node, button, a')")
    leaf.click()
    page.wait_for_url(f"**/{folder}/glossary.html#term-leaf-tensor")
    term = page.locator(":target")
    assert term.count() == 1 and (folder == "en") == ("leaf tensor" in term.inner_text()), term.inner_text()
    page.wait_for_function("0 <= document.querySelector(':target').getBoundingClientRect().top < 200", timeout=5000)


STEPPER_PAGE = "backward-engine"
# The visible step's figure, the bar's parts and where they are on the screen.
STEPPER_STATE = """(widget) => {
  const step = [...widget.querySelectorAll(".flow-step")].find((s) => !s.hidden);
  const svg = step.querySelector("svg").getBoundingClientRect();
  const bar = widget.querySelector(".flow-bar").getBoundingClientRect();
  const caption = widget.querySelector(".flow-caption");
  const buttons = [...widget.querySelectorAll(".flow-bar button")].map((b) => b.getBoundingClientRect());
  return {
    size: [Math.round(svg.width), Math.round(svg.height)], counter: widget.querySelector(".flow-counter").textContent,
    caption: caption.textContent, live: caption.getAttribute("aria-live"),
    barOnScreen: bar.top >= 0 && bar.bottom <= innerHeight,
    held: widget.getBoundingClientRect().bottom > innerHeight + 50,  // on screen only because it sticks
    captionInBar: caption.getBoundingClientRect().top >= bar.top && caption.getBoundingClientRect().bottom <= bar.bottom + 1,
    buttonHeight: Math.min(...buttons.map((b) => b.height)),
    covered: buttons.some((b) => !widget.contains(document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2))),
  };
}"""


@pytest.mark.parametrize(("folder", "labels"), [("zh", ["上一步", "下一步"]), ("en", ["Previous step", "Next step"])])
def test_step_through_reads_with_one_thumb(visit, folder, labels):
    """On a phone: the buttons, the step and its caption stay together on screen while the figure
    scrolls; the figure keeps one size; each step is announced; the arrows still step."""
    page = visit(**PHONE).open(f"{folder}/{STEPPER_PAGE}.html")
    widget = page.locator(".flow-steps").first
    steps = widget.locator(".flow-step")
    count = steps.count()
    assert count >= 4
    assert widget.locator(".flow-bar button").all_inner_texts() == labels
    # The step-through's top a third of the way down the screen, reached by scrolling up: furo then
    # shows its back-to-top button, which must not cover the bar.
    widget.evaluate("w => w.scrollIntoView({block: 'start', behavior: 'instant'})")
    page.evaluate("scrollBy({top: -300, behavior: 'instant'})")
    page.wait_for_timeout(300)
    assert widget.evaluate(STEPPER_STATE)["held"], "the step-through fits the screen: the check would see nothing"
    states = []
    for index in range(count):
        state = widget.evaluate(STEPPER_STATE)
        assert (state["barOnScreen"], state["captionInBar"], state["covered"]) == (True, True, False), (index, state)
        assert state["live"] == "polite" and state["buttonHeight"] >= 24
        states.append(state)
        if index < count - 1:
            widget.locator(".flow-next").click()
    assert len({tuple(s["size"]) for s in states}) == 1, [s["size"] for s in states]  # nothing moves between steps
    assert len({s["caption"] for s in states}) == count and len({s["counter"] for s in states}) == count
    assert all(s["caption"].startswith(s["counter"]) for s in states)  # a screen reader hears the step too
    # Reaching the last step disables "next": focus moves to "previous", not to the page.
    widget.locator(".flow-previous").click()
    widget.locator(".flow-next").focus()
    page.keyboard.press("Enter")
    assert widget.locator(".flow-next").is_disabled()
    assert page.evaluate("document.activeElement.matches('.flow-previous')")
    # The arrow keys, as before.
    widget.focus()
    for _ in range(count + 1):
        page.keyboard.press("ArrowLeft")
    assert steps.evaluate_all("ws => ws.map(w => !w.hidden)") == [True] + [False] * (count - 1)
    assert widget.locator(".flow-previous").is_disabled()
    page.keyboard.press("ArrowRight")
    assert steps.evaluate_all("ws => ws.map(w => !w.hidden)")[1]


def test_step_through_without_javascript_shows_every_step(visit):
    page = visit(java_script_enabled=False).open(f"en/{STEPPER_PAGE}.html")
    steps = page.locator(".flow-steps .flow-step")
    assert steps.count() >= 2 and page.locator(".flow-bar").count() == 0
    for index in range(steps.count()):
        assert steps.nth(index).is_visible() and steps.nth(index).locator("figcaption").is_visible()
        box = steps.nth(index).locator("svg").bounding_box()
        assert box["width"] > 100 and box["height"] > 100
        # The edges' lines are drawn once and shown in every step.
        assert steps.nth(index).locator("use").count() == 1


def test_root_page_picks_the_browsers_language(browser, base_url):
    for locale, folder in (("zh-CN", "zh"), ("en-US", "en")):
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(base_url + "index.html")
        page.wait_for_url(f"**/{folder}/index.html")
        context.close()


@pytest.mark.parametrize("folder", ["zh", "en"])
@pytest.mark.parametrize(
    "words", ["Trying to backward through the graph a second time", "element 0 of tensors does not require grad"]
)
def test_error_words_find_the_errors_page(visit, folder, words):
    page = visit().open(f"{folder}/search.html?q={words}")
    first = page.locator("#search-results ul.search li a").first
    first.wait_for(timeout=15000)
    assert first.get_attribute("href").startswith("errors.html"), first.get_attribute("href")


# Where each line of each Chinese heading starts, and where the browser's segmenter says words start.
HEADING_LINES = """() => [...document.querySelectorAll("article :is(h1, h2, h3)")].map((heading) => {
  const text = heading.textContent.replace(/\\u00b6$/, "");  // the headerlink's pilcrow
  const starts = [], range = document.createRange();
  let top = null, offset = 0;
  const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("a.headerlink")) continue;
    for (let i = 0; i < node.length; i++, offset++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || !node.data[i].trim()) continue;
      if (top !== null && rect.top > top + rect.height / 2) starts.push(offset);
      top = rect.top;
    }
  }
  const words = [...new Intl.Segmenter("zh", {granularity: "word"}).segment(text)].map((s) => s.index);
  return {text, starts, words, marked: heading.classList.contains("cjk-words")};
})"""
HEADING_PAGES = ("leaf-tensors", "views", "backward-engine", "custom-ops", "mixed-precision", "compile")


def test_chinese_headings_break_between_words_on_a_phone(visit):
    v = visit(**PHONE)
    wrapped, inside = [], []
    for name in HEADING_PAGES:
        v.page.goto(f"{v.base_url}zh/{name}.html", wait_until="load")
        for heading in v.page.evaluate(HEADING_LINES):
            assert heading["marked"], f"zh/{name}: {heading['text']!r} was not marked by cjk-headings.js"
            wrapped += [heading["text"]] if heading["starts"] else []
            text = heading["text"]
            inside += [
                f"zh/{name}: {text[:at]}|{text[at:]}"
                for at in heading["starts"]
                if at not in heading["words"] and "\u4e00" <= text[at] <= "\u9fff" and "\u4e00" <= text[at - 1] <= "\u9fff"
            ]
    assert wrapped, "no Chinese heading wraps at 390 px: the check would see nothing"
    assert not inside, "headings broken inside a word:\n" + "\n".join(inside)
    assert not v.errors, f"console errors: {v.errors}"


# Phone typography (docs/_static/phone.css): tables, the copy button, Chinese line height, heading
# sizes and the errors page's short headings, at 390 px.
TABLE = re.compile(r'<table class="docutils')
TABLES = """() => [...document.querySelectorAll("article table.docutils")].map((table) => {
  const em = parseFloat(getComputedStyle(table).fontSize);
  const box = table.closest(".table-wrapper") || table.parentElement;
  const style = getComputedStyle(box);
  return {
    narrowest: Math.min(...[...table.querySelectorAll("th, td")].map((cell) => cell.getBoundingClientRect().width)) / em,
    overflows: box.scrollWidth > box.clientWidth + 1,
    scrolls: ["auto", "scroll"].includes(style.overflowX),
    cue: style.backgroundImage.includes("gradient"),
  };
})"""


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_tables_readable_at_phone_width(site, visit, folder):
    """No column is squeezed below 4em (a header one character per line); a table wider than the
    column scrolls in its own box, which shows that it does (a shadow at the edge)."""
    pages = sorted(p.name for p in (site / folder).glob("*.html") if TABLE.search(p.read_text(encoding="utf-8")))
    assert "leaf-tensors.html" in pages, pages
    v = visit(**PHONE)
    problems = []
    for name in pages:
        v.page.goto(f"{v.base_url}{folder}/{name}", wait_until="load")
        for index, table in enumerate(v.page.evaluate(TABLES)):
            where = f"{folder}/{name} table {index}"
            if table["narrowest"] < 4:
                problems.append(f"{where}: a column {table['narrowest']:.1f}em wide")
            if table["overflows"] and not (table["scrolls"] and table["cue"]):
                problems.append(f"{where} is wider than its box, which does not scroll with a visible cue: {table}")
        overflow = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.append(f"{folder}/{name} scrolls sideways by {overflow}px")
    assert not problems, "\n".join(problems)


# The copy button's opacity, size, outline, and the contrast of its icon against its background.
COPY_BUTTON = """(button) => {
  const style = getComputedStyle(button), box = button.getBoundingClientRect();
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((c) => {
      c = Number(c) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a);
  return {opacity: parseFloat(style.opacity), width: box.width, height: box.height,
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1,
          contrast: (light + 0.05) / (dark + 0.05)};
}"""
SHOWN = "(button) => parseFloat(getComputedStyle(button).opacity) > 0.99"  # furo fades it in over 300 ms


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_copy_button_shows_on_a_touch_phone(visit, theme):
    """A touch screen has no hover: the button is always shown, a 24 px target, its icon in contrast."""
    page = visit(theme=theme, **PHONE).open("en/leaf-tensors.html")
    button = page.locator("article div.highlight button.copybtn").first
    button.scroll_into_view_if_needed()
    page.wait_for_function(SHOWN, arg=button.element_handle(), timeout=3000)
    shown = button.evaluate(COPY_BUTTON)
    assert shown["width"] >= 24 and shown["height"] >= 24, shown
    assert shown["contrast"] >= 3, shown


@pytest.mark.parametrize("target", ["button", "code"])
def test_copy_button_shows_with_keyboard_focus(visit, target):
    """With a mouse the button waits for a hover; with the keyboard on it, or on its code block (which
    takes focus when it scrolls sideways: scroll-focus.js), it is shown, the button with an outline."""
    page = visit(viewport={"width": 390, "height": 844}).open("en/leaf-tensors.html")
    block = page.locator("article div.highlight:has(> pre[tabindex='0'])").first
    button = block.locator("button.copybtn")
    assert button.evaluate(COPY_BUTTON)["opacity"] < 0.5, "shown before any hover or focus: the check would see nothing"
    focused = button if target == "button" else block.locator("pre")
    focused.focus()
    page.keyboard.press("Shift+Tab")  # leave and come back by keyboard, so that it is :focus-visible
    page.keyboard.press("Tab")
    assert focused.evaluate("e => e === document.activeElement && e.matches(':focus-visible')")
    page.wait_for_function(SHOWN, arg=button.element_handle(), timeout=3000)
    shown = button.evaluate(COPY_BUTTON)
    assert shown["width"] >= 24 and shown["height"] >= 24 and shown["contrast"] >= 3, shown
    assert shown["outline"] or target == "code", shown


# Line height over font size for the first body paragraphs and list items, the headings and the code.
LINE_HEIGHTS = """() => {
  const ratio = (e) => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize);
  const all = (selector) => [...document.querySelectorAll(selector)].slice(0, 20).map(ratio);
  return {body: all("article section > p, article section > ul > li"), headings: all("article :is(h1, h2, h3)"),
          code: all("article div.highlight pre")};
}"""


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_chinese_body_text_has_room_between_lines(visit, folder):
    page = visit(**PHONE).open(f"{folder}/leaf-tensors.html")
    ratios = page.evaluate(LINE_HEIGHTS)
    assert ratios["body"] and ratios["headings"] and ratios["code"], ratios
    if folder == "zh":
        assert min(ratios["body"]) >= 1.7, ratios["body"]
    else:
        assert max(ratios["body"]) < 1.7, ratios["body"]  # Latin text keeps furo's 1.5
    assert max(ratios["headings"] + ratios["code"]) < 1.7, ratios


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_headings_sized_for_a_phone(visit, folder):
    page = visit(**PHONE).open(f"{folder}/leaf-tensors.html")
    size = page.evaluate("""() => Object.fromEntries(["h1", "h2", "h3", "section > p"].map(
      (s) => [s, parseFloat(getComputedStyle(document.querySelector("article " + s)).fontSize)]))""")
    assert size["h2"] <= 24 and size["h1"] <= 32, size
    assert size["h1"] > size["h2"] > size["h3"] > size["section > p"], size


# Each h2 of the errors page: its lines at this width, whether its section shows an error (a traceback
# or a warning), and whether the message follows the heading as a subtitle that fits the column.
ERROR_SECTIONS = """() => [...document.querySelectorAll("article section > h2")].map((heading) => {
  const section = heading.parentElement, subtitle = heading.nextElementSibling;
  const fits = (e) => e.scrollWidth <= e.clientWidth + 1;
  return {
    heading: heading.textContent.replace(/\\u00b6$/, ""),
    lines: Math.round(heading.getBoundingClientRect().height / parseFloat(getComputedStyle(heading).lineHeight)),
    error: !!section.querySelector(":scope > .cell .output:is(.traceback, .stderr)"),
    subtitle: !!subtitle && subtitle.matches("p.error-message") && !!subtitle.querySelector("code") && fits(subtitle),
  };
})"""


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_error_headings_are_short_with_the_message_under_them(visit, folder):
    """At 390 px each error's heading takes at most two lines, and the message it names follows it
    as a code subtitle that wraps inside the column."""
    page = visit(**PHONE).open(f"{folder}/errors.html")
    sections = [s for s in page.evaluate(ERROR_SECTIONS) if s["error"]]
    assert len(sections) >= 10, sections
    long = [f"{s['heading']!r}: {s['lines']} lines" for s in sections if s["lines"] > 2]
    missing = [s["heading"] for s in sections if not s["subtitle"]]
    assert not long, "headings over two lines:\n" + "\n".join(long)
    assert not missing, f"sections without a fitting .error-message subtitle: {missing}"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{folder}-errors-phone.png"))


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_language_search_and_downloads_one_tap_away_on_a_phone(visit, folder):
    """Without opening the drawer: the row at the top of the page, each link at least 24 px tall."""
    page = visit(**PHONE).open(f"{folder}/views.html")
    for selector in ("a.row-lang", "a.search-link", "a.row-ipynb", "a.row-py"):
        link = page.locator(f"article nav.page-actions {selector}")
        assert link.is_visible(), selector
        box = link.bounding_box()
        assert box["height"] >= 24 and box["y"] < 300, (selector, box)
    page.locator("article nav.page-actions a.search-link").click()
    page.wait_for_url(f"**/{folder}/search.html")


def test_the_drawer_opens_at_the_current_page(visit):
    page = visit(**PHONE).open("zh/compile.html")
    page.locator("label.nav-overlay-icon").click()
    current = page.locator(".sidebar-tree .current-page > a").first
    page.wait_for_timeout(300)
    box = current.bounding_box()
    assert box is not None and 0 <= box["y"] <= 844 - box["height"], box

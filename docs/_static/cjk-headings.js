// Chinese has no spaces, so a heading on a phone may break inside a word ("非叶|子张量"). Mark the
// word boundaries the browser's own segmenter finds with <wbr>, then let the heading break only
// there (word-break: keep-all, in guide.css). Without Intl.Segmenter, or without JavaScript,
// headings break anywhere, as before.
(function () {
  if (!("Segmenter" in Intl)) return;
  const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
  const han = /\p{Script=Han}/u;
  for (const heading of document.querySelectorAll("article :is(h1, h2, h3)")) {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      if (!han.test(text.data) || text.parentElement.closest("code, a.headerlink")) continue;
      const words = document.createDocumentFragment();
      for (const { segment, isWordLike } of segmenter.segment(text.data)) {
        if (isWordLike && words.childNodes.length) words.append(document.createElement("wbr"));
        words.append(segment);
      }
      text.replaceWith(words);
    }
    heading.classList.add("cjk-words");
  }
})();

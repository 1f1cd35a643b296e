// Sphinx's search scorer (html_search_scorer in conf.py), with two changes:
// - a page whose title holds more of the query's words ranks higher, and among those the
//   shorter, more specific title. Sphinx scores a page by its best single word, so for
//   "leaf tensor" every page with "tensor" in its title tied with "Leaf and non-leaf tensors";
// - a glossary term's index entry (its anchor is #term-...) counts like a title match, not 100:
//   the page that teaches 叶子张量 comes before the glossary line that defines it. The other index
//   entries are a section's error message or the words readers search it with
//   (docs/_ext/search_entries.py): they keep their score (50 to 100) and come first.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, rawScore, filename, kind] = result;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const words = splitQuery(query.toLowerCase());
    const term = kind === "index" && anchor.startsWith("#term-");
    const score = term ? Math.min(rawScore, Scorer.title) : rawScore;
    const titleWords = splitQuery(title.toLowerCase());
    const inTitle = words.filter((word) => title.toLowerCase().includes(word)).length;
    return score + 3 * inTitle + inTitle / Math.max(titleWords.length, 1);
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

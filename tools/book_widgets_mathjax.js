// Copied by tools/book.py into the site, before the widgets' embed.js (make book).
// ipywidgets 8 typesets widget labels with MathJax 2's API, MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]);
// the site loads MathJax 3, which has no Hub. Give it that one entry point before the widgets are drawn: both
// run on the window's load event, and this listener is registered first.
window.addEventListener("load", () => {
  const mathjax = window.MathJax;
  if (mathjax && mathjax.startup && !mathjax.Hub) {
    mathjax.Hub = {
      Queue: ([, , element]) => mathjax.startup.promise.then(() => mathjax.typesetPromise([element])),
    };
  }
});

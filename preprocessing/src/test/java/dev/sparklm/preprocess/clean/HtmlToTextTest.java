package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HtmlToTextTest {
    static final String PAGE = """
            <!DOCTYPE html><html><head><title>T</title><style>p { color: red }</style>
            <script>var tracking = 1;</script></head>
            <body>
              <header><a href="/">Home</a> | <a href="/about">About</a></header>
              <nav><ul><li>Menu one</li><li>Menu two</li></ul></nav>
              <div role="navigation">Previous | Next</div>
              <main>
                <h1>The   Title</h1>
                <p>First paragraph with <b>bold</b> and <a href="x">a link</a>.</p>
                <p>Second&nbsp;paragraph &amp; an entity.<br>After a break.</p>
                <ul><li>item one</li><li>item two</li></ul>
                <pre>  code   keeps
                  its spaces</pre>
              </main>
              <aside>Related posts</aside>
              <footer>Copyright 2024. <form><input name=q><button>Search</button></form></footer>
              <noscript>Enable JavaScript</noscript>
            </body></html>
            """;

    @Test
    void keepsContentAsLinesAndDropsBoilerplate() {
        String text = new TextNormalizer(true, true, false).normalize(HtmlToText.toText(PAGE));
        for (String gone : new String[] {"tracking", "color", "Home", "Menu one", "Previous", "Related", "Copyright",
                "Search", "JavaScript", "<", "&amp;"}) {
            assertFalse(text.contains(gone), gone + " should be gone:\n" + text);
        }
        assertTrue(text.startsWith("The Title\n\nFirst paragraph with bold and a link.\n\n"), text);
        assertTrue(text.contains("Second paragraph & an entity.\nAfter a break."), text);
        assertTrue(text.contains("item one\nitem two"), text);
        assertTrue(text.contains("  code   keeps\n"), "pre keeps its whitespace:\n" + text);
    }

    @Test
    void emptyAndBrokenHtmlDoNotThrow() {
        assertEquals("", HtmlToText.toText(""));
        assertEquals("unclosed bold", HtmlToText.toText("<p>unclosed <b>bold").strip());
    }
}

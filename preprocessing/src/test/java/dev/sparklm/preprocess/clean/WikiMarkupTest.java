package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WikiMarkupTest {
    @Test
    void stripsMarkupKeepsText() {
        String wiki = """
                {{Infobox city|name=Paris|population={{formatnum:2165423}}}}
                '''Paris''' is the [[capital city|capital]] of [[France]].<ref>{{cite web|url=x}}</ref> It has a \
                [[File:Paris.jpg|thumb|The [[Eiffel Tower]] at night]] river.<!-- hidden -->
                == History ==
                * The city was founded by the [[Parisii]].
                # It grew in the ''Middle Ages''.
                {| class="wikitable"
                |-
                | cell || cell
                |}
                See [https://example.org the site] and [https://bare.example].
                [[Category:Capitals in Europe]]
                &copy; &amp; __NOTOC__
                """;
        String text = WikiMarkup.toText(wiki);
        assertTrue(text.contains("Paris is the capital of France. It has a  river."), text);
        assertTrue(text.contains("\nHistory\n"), text);
        assertTrue(text.contains("The city was founded by the Parisii."), text);
        assertTrue(text.contains("It grew in the Middle Ages."), text);
        assertTrue(text.contains("See the site and ."), text);
        assertTrue(text.contains("\u00a9 &"), text);
        for (String gone : new String[] {"{{", "}}", "[[", "]]", "Infobox", "cite", "hidden", "cell", "Category", "Eiffel",
                "wikitable", "'''", "NOTOC", "=="}) {
            assertFalse(text.contains(gone), gone + " should be gone:\n" + text);
        }
    }

    @Test
    void plainTextIsUnchanged() {
        assertEquals("Just text.", WikiMarkup.toText("Just text."));
    }
}

package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.StageCounters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {
    static String redact(String text, StageCounters counters) {
        Document d = Document.of(null, "t", 0, text);
        new PiiRedactor().apply(d, counters);
        return d.getText();
    }

    @Test
    void redactsEachKindAndCountsIt() {
        StageCounters c = new StageCounters();
        String out = redact("Mail jane.doe+lists@mail.example.co.uk or bob@example.org. "
                + "Hosts 192.168.1.20, 10.0.0.1 and fe80::1ff:fe23:4567:890a or 2001:0db8:85a3:0000:0000:8a2e:0370:7334. "
                + "Call +1 415-555-0132, (212) 555-0175, 030-555-1234 or +44 20 7946 0958.", c);
        assertEquals("Mail <EMAIL> or <EMAIL>. Hosts <IP_ADDRESS>, <IP_ADDRESS> and <IP_ADDRESS> or <IP_ADDRESS>. "
                + "Call <PHONE_NUMBER>, <PHONE_NUMBER>, <PHONE_NUMBER> or <PHONE_NUMBER>.", out);
        assertEquals(2, c.get("pii.email"));
        assertEquals(2, c.get("pii.ipv4"));
        assertEquals(2, c.get("pii.ipv6"));
        assertEquals(4, c.get("pii.phone"));
    }

    @Test
    void leavesLookalikesAlone() {
        String text = "Version 1.2.3.4.5 of 2023-11-24 at 12:30:45, years 1999 2000 2001, 256.1.1.1, "
                + "Foo::Bar and a[10::20] and dead::beef, list::, user@localhost, 1234567890 bytes, pi 3.14159.";
        StageCounters c = new StageCounters();
        assertEquals(text, redact(text, c));
        assertEquals(0, c.value().values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * Redaction tries each pattern only where a match may start; it must replace exactly what
     * Matcher.find over the whole text finds (the definition, kept here): random text over the
     * characters the patterns care about.
     */
    @Test
    void redactsWhatFindFindsOnRandomText() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String alphabet = "0123456789012345678901234567890123456789....::::@@aAfFgxz+()-- _\n";
        java.lang.reflect.Field[] fields = {field("EMAIL"), field("IPV6"), field("IPV4"), field("PHONE")};
        String[] tokens = {PiiRedactor.EMAIL_TOKEN, PiiRedactor.IP_TOKEN, PiiRedactor.IP_TOKEN, PiiRedactor.PHONE_TOKEN};
        String[] names = {"pii.email", "pii.ipv6", "pii.ipv4", "pii.phone"};
        String[] pieces = {"10.0.0.1", "fe80::1", "2001:db8::8a2e:370:7334", "+44 20 7946 0958", "(555) 123-4567",
                "555-123-4567", "a.b@mail.example.org", "12:30:45", "v1.2.3", "::", "x@y"};
        Map<String, Integer> texts = new java.util.HashMap<>();
        for (int t = 0; t < 30_000; t++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(80); k > 0; k--) {
                if (random.nextInt(30) == 0) {
                    b.append(pieces[random.nextInt(pieces.length)]);
                }
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            dev.sparklm.preprocess.StageCounters expectedCounts = new dev.sparklm.preprocess.StageCounters();
            String expected = text;
            for (int p = 0; p < fields.length; p++) {
                if (p == 0 && expected.indexOf('@') < 0) {
                    continue;
                }
                expected = findAndReplace(expected, (java.util.regex.Pattern) fields[p].get(null), p == 1, tokens[p], names[p],
                        expectedCounts);
            }
            dev.sparklm.preprocess.Document doc = dev.sparklm.preprocess.Document.of(null, "t", 0, text);
            dev.sparklm.preprocess.StageCounters counts = new dev.sparklm.preprocess.StageCounters();
            new PiiRedactor().apply(doc, counts);
            assertEquals(expected, doc.getText(), "for " + text);
            assertEquals(expectedCounts.value(), counts.value(), "for " + text);
            counts.value().forEach((k, v) -> texts.merge(k, v > 0 ? 1 : 0, Integer::sum));
        }
        for (String name : names) {
            org.junit.jupiter.api.Assertions.assertTrue(texts.getOrDefault(name, 0) > 300, "texts with " + name + ": " + texts);
        }
    }

    private static java.lang.reflect.Field field(String name) throws NoSuchFieldException {
        java.lang.reflect.Field f = PiiRedactor.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** The redaction as Matcher.find defines it. */
    private static String findAndReplace(String s, java.util.regex.Pattern p, boolean ipv6, String token, String counter,
                                         dev.sparklm.preprocess.StageCounters counters) {
        java.util.regex.Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int n = 0;
        do {
            if (ipv6 && !PiiRedactor.plausibleIpv6(m.group())) {
                continue;
            }
            m.appendReplacement(out, token);
            n++;
        } while (m.find());
        m.appendTail(out);
        counters.add(counter, n);
        return n == 0 ? s : out.toString();
    }
}

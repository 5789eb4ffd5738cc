package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.StageCounters;
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
}

// Generates packages/protocol/test/fixtures/java-signature-vectors.json with the
// signature code of Quick Audience's "Webhook integration guide", copied as is.
//
//   apt-get install -y libcommons-codec-java      # commons-codec 1.15
//   javac -cp /usr/share/java/commons-codec.jar -d /tmp/sigvec SignatureVectors.java
//   java -cp /usr/share/java/commons-codec.jar:/tmp/sigvec SignatureVectors \
//     > ../fixtures/java-signature-vectors.json
//
// Strings are written with \\uXXXX escapes for everything outside printable
// ASCII, so control characters and lone surrogates are unambiguous.
import org.apache.commons.codec.digest.HmacUtils;

import java.util.Arrays;

@SuppressWarnings("deprecation")
public class SignatureVectors {

    // ---- The document's code, unchanged ----
    public String makeSignature(String key, String timestamp, String nonce) {
        String str = generateStr(key, timestamp, nonce);
        return HmacUtils.hmacSha256Hex(key, str.replaceAll("\\s+", ""));
    }

    /**
     * Concatenate the strings to be signed.
     */
    public static String generateStr(String key, String timestamp, String nonce) {
        String[] array = new String[]{key, timestamp, nonce};
        StringBuilder sb = new StringBuilder();
        Arrays.sort(array);/* Sort the strings */
        for (int i = 0; i < 3; i++) {
            sb.append(array[i]);
        }
        return sb.toString();
    }
    // ---- end of the document's code ----

    private static final String TS = "1631865523";
    private static final String NONCE = "2e6eceb5737b473284c930c8ef79090e";

    // name, key, timestamp, nonce
    private static final String[][] CASES = {
        {"document example key", "123456789", TS, NONCE},
        {"ascii spaces", "k e y", TS, NONCE},
        {"plain lowercase", "secret", TS, NONCE},
        {"uppercase differs from lowercase", "SECRET", TS, NONCE},
        {"mixed case", "MixedCaseKey", TS, NONCE},
        {"tab", "a\tb", TS, NONCE},
        {"newline", "line1\nline2", TS, NONCE},
        {"vertical tab U+000B", "v\013t", TS, NONCE},
        {"form feed", "f\fg", TS, NONCE},
        {"carriage return and newline", "cr\r\nlf", TS, NONCE},
        {"run of all six Java whitespace chars", "a \t\n\013\f\r b", TS, NONCE},
        {"only a space (raw space stays the HMAC key)", " ", TS, NONCE},
        {"NBSP U+00A0 is not Java whitespace", "nb\u00A0sp", TS, NONCE},
        {"ideographic space U+3000 is not Java whitespace", "\u5168\u3000\u89D2", TS, NONCE},
        {"line separator U+2028 is not Java whitespace", "ls\u2028ep", TS, NONCE},
        {"BOM U+FEFF and en quad U+2000 are not Java whitespace", "\uFEFFbom\u2000", TS, NONCE},
        {"NEL U+0085 is not Java whitespace", "nel\u0085x", TS, NONCE},
        {"Chinese characters", "\u5BC6\u94A5\u6D4B\u8BD5", TS, NONCE},
        {"emoji (surrogate pair)", "key\uD83D\uDE00", TS, NONCE},
        {"lone high surrogate (UTF-8 encodes as '?')", "lone\uD83D", TS, NONCE},
        {"lone low surrogate between letters", "x\uDE00y", TS, NONCE},
        {"key sorts before timestamp and nonce", "0key", TS, NONCE},
        {"key sorts between timestamp and nonce", "1999xyz", TS, NONCE},
        {"key is a prefix of the nonce (shorter sorts first)", "2e6e", TS, NONCE},
        {"key sorts after both", "zzz", TS, NONCE},
        {"long ASCII key over 64 bytes (HMAC hashes it)",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789abcdefghijklmnopqrstuvwxyz", TS, NONCE},
        {"long multibyte key over 64 bytes",
            "\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5\u5BC6\u94A5", TS, NONCE},
        {"single character key", "k", TS, NONCE},
        {"other timestamp and nonce", "123456789", "1755848301", "0123456789abcdef0123456789abcdef"},
        {"uppercase hex nonce sorts before lowercase key", "key", "1700000000", "ABCDEF0123456789ABCDEF0123456789"},
    };

    public static void main(String[] args) {
        SignatureVectors s = new SignatureVectors();
        StringBuilder out = new StringBuilder();
        out.append("{\n  \"about\": ")
           .append(json("Computed by packages/protocol/test/java/SignatureVectors.java: the document's makeSignature/generateStr with commons-codec HmacUtils.hmacSha256Hex, on Java "
                   + System.getProperty("java.version") + ". 'signed' is the string given to HMAC (sorted, concatenated, Java \\s+ removed)."))
           .append(",\n  \"vectors\": [\n");
        for (int i = 0; i < CASES.length; i++) {
            String[] c = CASES[i];
            String signed = generateStr(c[1], c[2], c[3]).replaceAll("\\s+", "");
            out.append("    { \"name\": ").append(json(c[0]))
               .append(", \"key\": ").append(json(c[1]))
               .append(", \"timestamp\": ").append(json(c[2]))
               .append(", \"nonce\": ").append(json(c[3]))
               .append(",\n      \"signed\": ").append(json(signed))
               .append(",\n      \"signature\": ").append(json(s.makeSignature(c[1], c[2], c[3])))
               .append(" }").append(i + 1 < CASES.length ? ",\n" : "\n");
        }
        out.append("  ]\n}\n");
        System.out.print(out);
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch >= 0x20 && ch < 0x7F) b.append(ch);
            else b.append(String.format("\\u%04x", (int) ch));
        }
        return b.append('"').toString();
    }
}

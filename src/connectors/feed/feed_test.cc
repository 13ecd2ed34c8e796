// The feed parser on the three formats, namespaces, entities, CDATA, xml:base, charsets, broken
// and hostile documents.
#include "connectors/feed/feed.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace humas::connectors::feed {
namespace {

Feed MustParse(std::string_view doc, const ParseOptions& o = {}) {
  auto f = Parse(doc, o);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : Feed{};
}

TEST(FeedParseTest, Rss20WithNamespaces) {
  Feed f = MustParse(R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Berita Berau</title><link>https://berau.example/</link><language>id</language>
  <lastBuildDate>Mon, 23 Nov 2026 21:00:00 +0700</lastBuildDate>
  <item>
    <title>Banjir &amp; longsor</title>
    <link>https://berau.example/a/1</link>
    <guid isPermaLink="false">berau-1</guid>
    <pubDate>Mon, 23 Nov 2026 20:00:00 WIB</pubDate>
    <dc:creator>Redaksi</dc:creator>
    <description><![CDATA[<p>Air <b>naik</b></p>]]></description>
  </item>
  <item>
    <title>Kedua</title>
    <guid>https://berau.example/a/2</guid>
    <dc:date>2026-11-23T10:00:00Z</dc:date>
    <atom:updated>2026-11-23T11:00:00Z</atom:updated>
    <content:encoded><![CDATA[isi <i>lengkap</i>]]></content:encoded>
  </item>
</channel></rss>)");
  EXPECT_EQ(f.format, "rss20");
  EXPECT_EQ(f.info.title, "Berita Berau");
  EXPECT_EQ(f.info.link, "https://berau.example/");
  EXPECT_EQ(f.info.language, "id");
  EXPECT_EQ(FormatDate(*f.info.updated), "2026-11-23T14:00:00Z");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].id, "berau-1");
  EXPECT_EQ(f.entries[0].title, "Banjir & longsor");
  EXPECT_EQ(f.entries[0].author, "Redaksi");
  EXPECT_EQ(f.entries[0].summary, "<p>Air <b>naik</b></p>");  // HTML kept as text
  EXPECT_EQ(FormatDate(*f.entries[0].published), "2026-11-23T13:00:00Z");
  EXPECT_EQ(f.entries[1].link, "https://berau.example/a/2");  // permalink guid
  EXPECT_EQ(f.entries[1].summary, "isi <i>lengkap</i>");      // content:encoded fallback
  EXPECT_EQ(FormatDate(*f.entries[1].published), "2026-11-23T10:00:00Z");
  EXPECT_EQ(FormatDate(*f.entries[1].updated), "2026-11-23T11:00:00Z");
  EXPECT_FALSE(f.bozo);
}

TEST(FeedParseTest, Atom10WithXmlBaseAndXhtml) {
  Feed f = MustParse(
      R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="http://example.org/blog/">
  <title type="html">A &lt;b&gt;bold&lt;/b&gt; feed</title>
  <link rel="self" href="/feed.atom"/><link href="index.html"/>
  <updated>2026-11-23T10:00:00+07:00</updated>
  <author><name>Humas</name></author>
  <entry xml:base="posts/">
    <id>tag:example.org,2026:1</id>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi <em>there</em></div></title>
    <link rel="alternate" href="one.html"/>
    <published>2026-11-22T01:02:03Z</published>
    <updated>2026-11-23T01:02:03Z</updated>
    <content type="html">&lt;p&gt;body&lt;/p&gt;</content>
  </entry>
</feed>)");
  EXPECT_EQ(f.format, "atom10");
  EXPECT_EQ(f.info.title, "A <b>bold</b> feed");
  EXPECT_EQ(f.info.link, "http://example.org/blog/index.html");
  EXPECT_EQ(f.info.language, "en");
  EXPECT_EQ(FormatDate(*f.info.updated), "2026-11-23T03:00:00Z");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.id, "tag:example.org,2026:1");
  EXPECT_EQ(e.title, "Hi <em>there</em>");
  EXPECT_EQ(e.link, "http://example.org/blog/posts/one.html");
  EXPECT_EQ(e.author, "Humas");  // inherited from the feed
  EXPECT_EQ(e.summary, "<p>body</p>");
  EXPECT_EQ(FormatDate(*e.published), "2026-11-22T01:02:03Z");
  EXPECT_EQ(FormatDate(*e.updated), "2026-11-23T01:02:03Z");
}

TEST(FeedParseTest, Rss10Rdf) {
  Feed f = MustParse(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:x="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://example.org/rss">
    <title>RDF feed</title><link>http://example.org/</link><x:language>id</x:language>
    <x:date>2002-09-05T00:00:01Z</x:date>
  </channel>
  <item rdf:about="http://example.org/1">
    <title>First</title><link>http://example.org/1</link>
    <description>One</description><x:creator>Ani</x:creator><x:date>2002-09-05T00:00:01Z</x:date>
  </item>
</rdf:RDF>)");
  EXPECT_EQ(f.format, "rss10");
  EXPECT_EQ(f.info.title, "RDF feed");
  EXPECT_EQ(f.info.language, "id");  // dc: under a non-standard prefix
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].id, "http://example.org/1");
  EXPECT_EQ(f.entries[0].author, "Ani");
  EXPECT_EQ(f.entries[0].summary, "One");
}

TEST(FeedParseTest, RelativeLinksResolveAgainstDocumentAddress) {
  ParseOptions o;
  o.base_url = "https://portal.example/rss/index.xml";
  Feed f = MustParse(
      "<rss><channel><title>t</title><link>/</link><item><link>berita/1</link>"
      "</item></channel></rss>",
      o);
  EXPECT_EQ(f.info.link, "https://portal.example/");
  EXPECT_EQ(f.entries[0].link, "https://portal.example/rss/berita/1");
  EXPECT_EQ(f.entries[0].id, "https://portal.example/rss/berita/1");  // no guid: the link
}

TEST(FeedParseTest, HtmlEntitiesInBrokenFeeds) {
  Feed f = MustParse(
      "<rss><channel><title>Caf&eacute;&nbsp;Ibu &copy; &#8212; &#x41;</title>"
      "</channel></rss>");
  EXPECT_EQ(f.info.title, "Caf\xc3\xa9\xc2\xa0Ibu \xc2\xa9 \xe2\x80\x94 A");
}

TEST(FeedParseTest, CharsetDeclarationAndOverride) {
  std::string latin1 =
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel><title>Caf\xe9"
      "</title></channel></rss>";
  EXPECT_EQ(MustParse(latin1).info.title, "Caf\xc3\xa9");
  std::string w1252 = "<rss><channel><title>\x93quoted\x94</title></channel></rss>";
  ParseOptions o;
  o.charset = "windows-1252";
  EXPECT_EQ(MustParse(w1252, o).info.title, "\xe2\x80\x9cquoted\xe2\x80\x9d");
  std::string utf16 = std::string("\xff\xfe", 2);
  for (char ch : std::string("<rss><channel><title>Hai</title></channel></rss>")) {
    utf16 += ch;
    utf16 += '\0';
  }
  EXPECT_EQ(MustParse(utf16).info.title, "Hai");
}

TEST(FeedParseTest, NoExternalEntitiesEver) {
  // XXE: an external entity naming a local file must not be read.
  Feed f = MustParse(R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><title>a&xxe;b</title></channel></rss>)");
  EXPECT_EQ(f.info.title.find("root:"), std::string::npos);
  EXPECT_TRUE(f.bozo);
  // External DTD and parameter entities are not fetched either.
  Feed g = MustParse(R"(<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:1/evil.dtd" [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss><channel><title>ok</title></channel></rss>)");
  EXPECT_EQ(g.info.title, "ok");
}

TEST(FeedParseTest, BillionLaughsIsNotExpanded) {
  std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      doc += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doc += "\">";
  }
  doc += "]><rss><channel><title>&lol9;</title></channel></rss>";
  Feed f = MustParse(doc);
  EXPECT_LT(f.info.title.size(), 100u);
}

TEST(FeedParseTest, BrokenFeedsAreReadAnyway) {
  Feed f = MustParse(
      "<rss><channel><title>Unclosed & bare</title><item><title>One</title>"
      "<description>a <b>b</description></item><item><title>Two");
  EXPECT_TRUE(f.bozo);
  EXPECT_FALSE(f.bozo_reason.empty());
  EXPECT_EQ(f.info.title, "Unclosed & bare");
  ASSERT_GE(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title, "One");
}

TEST(FeedParseTest, UndeclaredPrefixes) {
  Feed f = MustParse(
      "<rss><channel><item><dc:creator>Budi</dc:creator><dc:date>2026-01-02"
      "</dc:date></item></channel></rss>");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].author, "Budi");
  EXPECT_EQ(FormatDate(*f.entries[0].published), "2026-01-02T00:00:00Z");
}

TEST(FeedParseTest, GarbageDatesAreEmpty) {
  Feed f = MustParse("<rss><channel><item><pubDate>kemarin sore</pubDate></item></channel></rss>");
  EXPECT_FALSE(f.entries[0].published.has_value());
  auto j = nlohmann::json::parse(ToJson(f));
  EXPECT_EQ(j["entries"][0]["published"], "");
}

TEST(FeedParseTest, UnreadableDocumentsAreRefused) {
  EXPECT_EQ(Parse("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Parse("just some text").status().code(), Code::kInvalidArgument);
  auto html = Parse("<html><body><p>not a feed</p></body></html>");
  EXPECT_EQ(html.status().code(), Code::kInvalidArgument);
  EXPECT_NE(html.status().message().find("<html>"), std::string::npos);
  ParseOptions small;
  small.max_bytes = 10;
  EXPECT_EQ(Parse("<rss><channel></channel></rss>", small).status().code(),
            Code::kResourceExhausted);
}

TEST(FeedParseTest, DeepNestingAndManyEntriesAreBounded) {
  std::string deep = "<rss><channel><title>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  deep += "</title></channel></rss>";
  auto f = Parse(deep);  // must return (either refused or recovered), never crash
  if (f.ok()) {
    EXPECT_TRUE(f->bozo);
  }
  std::string many = "<rss><channel>";
  for (int i = 0; i < 50; ++i) many += "<item><title>x</title></item>";
  many += "</channel></rss>";
  ParseOptions o;
  o.max_entries = 10;
  Feed g = MustParse(many, o);
  EXPECT_EQ(g.entries.size(), 10u);
  EXPECT_TRUE(g.bozo);
}

TEST(FeedParseTest, JsonShape) {
  Feed f = MustParse(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><entry>"
      "<id>1</id><title>e</title><updated>2026-11-23T00:00:00Z</updated>"
      "</entry></feed>");
  auto j = nlohmann::json::parse(ToJson(f));
  EXPECT_EQ(j["feed"].size(), 4u);
  for (const char* k : {"title", "link", "language", "updated"}) EXPECT_TRUE(j["feed"].contains(k));
  ASSERT_EQ(j["entries"].size(), 1u);
  EXPECT_EQ(j["entries"][0].size(), 7u);
  EXPECT_EQ(j["entries"][0]["updated"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(j["entries"][0]["published"], "");
}

}  // namespace
}  // namespace humas::connectors::feed

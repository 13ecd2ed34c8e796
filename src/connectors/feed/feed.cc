// Feed parsing over libxml2 (recovering parser, no network, no DTD, no user entities).
#include "connectors/feed/feed.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

namespace humas::connectors::feed {
namespace {

constexpr const char* kAtom10 = "http://www.w3.org/2005/Atom";
constexpr const char* kAtom03 = "http://purl.org/atom/ns#";
constexpr const char* kRss10 = "http://purl.org/rss/1.0/";
constexpr const char* kRss090 = "http://my.netscape.com/rdf/simple/0.9/";
constexpr const char* kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr const char* kDc = "http://purl.org/dc/elements/1.1/";
constexpr const char* kDcTerms = "http://purl.org/dc/terms/";
constexpr const char* kContent = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kMedia = "http://search.yahoo.com/mrss/";
constexpr const char* kXhtml = "http://www.w3.org/1999/xhtml";

// ---------------------------------------------------------------- safe parsing

//! Per-parse state reached from libxml2 callbacks through ctxt->_private.
struct ParseState {
  xmlDocPtr entity_doc = nullptr;  //!< owns the HTML entities handed to the parser
  std::string first_error;
  int errors = 0;
  bool stopped = false;  //!< the parse was cut short after kMaxErrors
};

//! libxml2 (2.9) copies error details at a cost that can grow with the input read so far (a
//! comment full of "--" costs time quadratic in its length): a document this broken is read
//! up to this many errors and then cut short, so no input can keep the parser busy for long.
constexpr int kMaxErrors = 1000;
//! libxml2 checks each attribute against every earlier one of its element (quadratic): start
//! tags with more than this many '=' are refused before parsing. Real feeds use a handful.
constexpr size_t kMaxAttributes = 2000;

//! Only predefined XML entities and the HTML 4 names (&nbsp; &eacute; ...) exist; declarations
//! in the document are ignored, so nothing external and nothing recursive is ever expanded.
xmlEntityPtr SafeGetEntity(void* ctx, const xmlChar* name) {
  xmlEntityPtr predefined = xmlGetPredefinedEntity(name);
  if (predefined) return predefined;
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (!state || !state->entity_doc) return nullptr;
  if (xmlEntityPtr known = xmlGetDocEntity(state->entity_doc, name)) return known;
  const htmlEntityDesc* html = htmlEntityLookup(name);
  if (!html) return nullptr;
  // The replacement is a character reference: never markup, never another entity.
  std::string content = "&#" + std::to_string(html->value) + ";";
  return xmlAddDocEntity(state->entity_doc, name, XML_INTERNAL_GENERAL_ENTITY, nullptr, nullptr,
                         reinterpret_cast<const xmlChar*>(content.c_str()));
}

void IgnoreEntityDecl(void*, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {}
void IgnoreExternalSubset(void*, const xmlChar*, const xmlChar*, const xmlChar*) {}
xmlParserInputPtr RefuseResolve(void*, const xmlChar*, const xmlChar*) { return nullptr; }
xmlParserInputPtr RefuseExternalLoader(const char*, const char*, xmlParserCtxtPtr) {
  return nullptr;
}

void CollectError(void* user, xmlErrorPtr err) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user);
  if (!ctxt || !err) return;
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (!state) return;
  if (err->level < XML_ERR_ERROR) return;
  if (++state->errors >= kMaxErrors && !state->stopped) {
    state->stopped = true;
    xmlStopParser(ctxt);
  }
  if (state->first_error.empty()) {
    std::string msg = err->message ? err->message : "XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    state->first_error = "line " + std::to_string(err->line) + ": " + msg;
  }
}

void IgnoreGenericError(void*, const char*, ...) {}

void InitLibxmlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    // Never fetch anything (DTDs, external entities, XIncludes) whatever the options say.
    xmlSetExternalEntityLoader(RefuseExternalLoader);
  });
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

// ---------------------------------------------------------------- tree helpers

std::string ToStr(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

//! Prefixes that feeds use without declaring them; libxml2 then keeps "prefix:name" as the name.
const char* UndeclaredPrefix(const char* ns) {
  if (!std::strcmp(ns, kDc)) return "dc:";
  if (!std::strcmp(ns, kDcTerms)) return "dcterms:";
  if (!std::strcmp(ns, kContent)) return "content:";
  if (!std::strcmp(ns, kMedia)) return "media:";
  if (!std::strcmp(ns, kAtom10)) return "atom:";
  if (!std::strcmp(ns, kRdf)) return "rdf:";
  return nullptr;
}

//! True when `n` is element `local` in namespace `ns` ("" = no namespace, as in RSS 2.0).
bool Is(const xmlNode* n, const char* ns, const char* local) {
  if (!n || n->type != XML_ELEMENT_NODE) return false;
  const char* name = reinterpret_cast<const char*>(n->name);
  if (!*ns) return !n->ns && !std::strcmp(name, local);
  if (n->ns && n->ns->href) {
    return !std::strcmp(name, local) &&
           !std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns);
  }
  const char* prefix = UndeclaredPrefix(ns);
  if (!prefix) return false;
  size_t pl = std::strlen(prefix);
  return !std::strncmp(name, prefix, pl) && !std::strcmp(name + pl, local);
}

std::string NsOf(const xmlNode* n) {
  return n && n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = ToStr(v);
  xmlFree(v);
  return s;
}

std::string NsAttr(const xmlNode* n, const char* ns, const char* name) {
  xmlChar* v =
      xmlGetNsProp(n, reinterpret_cast<const xmlChar*>(name), reinterpret_cast<const xmlChar*>(ns));
  std::string s = ToStr(v);
  xmlFree(v);
  return s;
}

bool HasElementChildren(const xmlNode* n) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return true;
  return false;
}

//! The markup of n's children as text (for XHTML content and for raw HTML left unescaped).
std::string InnerXml(xmlDoc* doc, const xmlNode* n) {
  std::string out;
  xmlBufferPtr buf = xmlBufferCreate();
  for (xmlNode* c = n->children; c; c = c->next) {
    xmlBufferEmpty(buf);
    xmlNodeDump(buf, doc, c, 0, 0);
    out += ToStr(xmlBufferContent(buf));
  }
  xmlBufferFree(buf);
  return out;
}

std::string Text(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string s = ToStr(v);
  xmlFree(v);
  return s;
}

//! Text of a title/summary: HTML is kept as text. Atom type="xhtml" (and unescaped markup in
//! RSS) is serialised back to markup; everything else is the element's character data.
std::string TextConstruct(xmlDoc* doc, const xmlNode* n) {
  if (!n) return "";
  if (!HasElementChildren(n)) return Trim(Text(n));
  const xmlNode* inner = n;
  if (Attr(n, "type") == "xhtml") {
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE &&
          !std::strcmp(reinterpret_cast<const char*>(c->name), "div") && NsOf(c) == kXhtml) {
        inner = c;
        break;
      }
    }
  }
  return Trim(InnerXml(doc, inner));
}

//! `href` resolved against the xml:base in scope at `n` and then the document address.
std::string Resolve(xmlDoc* doc, const xmlNode* n, const std::string& href) {
  std::string h = Trim(href);
  if (h.empty()) return h;
  xmlChar* base = xmlNodeGetBase(doc, n);
  if (!base) return h;
  xmlChar* abs = xmlBuildURI(reinterpret_cast<const xmlChar*>(h.c_str()), base);
  xmlFree(base);
  if (!abs) return h;
  std::string s = ToStr(abs);
  xmlFree(abs);
  return s;
}

std::optional<UnixMillis> DateOf(const xmlNode* n) {
  if (!n) return std::nullopt;
  return ParseDate(Text(n));
}

//! First child of `parent` matching (ns, local).
const xmlNode* Child(const xmlNode* parent, const char* ns, const char* local) {
  for (const xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (Is(c, ns, local)) return c;
  return nullptr;
}

template <typename F>
void ForChildren(const xmlNode* parent, F f) {
  for (const xmlNode* c = parent ? parent->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) f(c);
}

std::string Lang(const xmlNode* n) {
  xmlChar* v = xmlNodeGetLang(n);
  std::string s = ToStr(v);
  xmlFree(v);
  return Trim(s);
}

// ---------------------------------------------------------------- Atom

struct AtomNs {
  const char* ns;
  bool v03;
};

std::string AtomLink(xmlDoc* doc, const xmlNode* parent, const char* ns) {
  std::string fallback;
  const xmlNode* found = nullptr;
  ForChildren(parent, [&](const xmlNode* c) {
    if (found || !Is(c, ns, "link")) return;
    std::string rel = Attr(c, "rel");
    if (rel.empty() || rel == "alternate" ||
        rel == "http://www.iana.org/assignments/relation/alternate") {
      found = c;
    } else if (fallback.empty() && rel != "self" && rel != "enclosure" && rel != "replies") {
      fallback = Resolve(doc, c, Attr(c, "href"));
    }
  });
  if (found) return Resolve(doc, found, Attr(found, "href"));
  return fallback;
}

std::string AtomPerson(const xmlNode* person, const char* ns) {
  if (!person) return "";
  const xmlNode* name = Child(person, ns, "name");
  if (name) {
    std::string s = Trim(Text(name));
    if (!s.empty()) return s;
  }
  const xmlNode* email = Child(person, ns, "email");
  if (email) return Trim(Text(email));
  if (!HasElementChildren(person)) return Trim(Text(person));
  return "";
}

void ParseAtom(xmlDoc* doc, const xmlNode* root, AtomNs a, const ParseOptions& opts, Feed* out) {
  out->format = a.v03 ? "atom03" : "atom10";
  const char* ns = a.ns;
  out->info.title = TextConstruct(doc, Child(root, ns, "title"));
  out->info.link = AtomLink(doc, root, ns);
  out->info.language = Lang(root);
  out->info.updated = DateOf(Child(root, ns, a.v03 ? "modified" : "updated"));
  if (!out->info.updated) out->info.updated = DateOf(Child(root, ns, "updated"));
  std::string feed_author = AtomPerson(Child(root, ns, "author"), ns);
  ForChildren(root, [&](const xmlNode* e) {
    if (!Is(e, ns, "entry")) return;
    if (out->entries.size() >= opts.max_entries) {
      out->bozo = true;
      return;
    }
    Entry en;
    if (const xmlNode* id = Child(e, ns, "id")) en.id = Trim(Text(id));
    en.title = TextConstruct(doc, Child(e, ns, "title"));
    en.link = AtomLink(doc, e, ns);
    en.published = DateOf(Child(e, ns, a.v03 ? "issued" : "published"));
    if (!en.published) en.published = DateOf(Child(e, ns, "published"));
    en.updated = DateOf(Child(e, ns, a.v03 ? "modified" : "updated"));
    if (!en.updated) en.updated = DateOf(Child(e, ns, "updated"));
    if (!en.updated) en.updated = en.published;
    en.author = AtomPerson(Child(e, ns, "author"), ns);
    if (en.author.empty()) {
      if (const xmlNode* src = Child(e, ns, "source"))
        en.author = AtomPerson(Child(src, ns, "author"), ns);
    }
    if (en.author.empty()) en.author = feed_author;
    const xmlNode* summary = Child(e, ns, "summary");
    en.summary = TextConstruct(doc, summary);
    if (en.summary.empty()) en.summary = TextConstruct(doc, Child(e, ns, "content"));
    out->entries.push_back(std::move(en));
  });
}

// ---------------------------------------------------------------- RSS 2.0 / 0.9x and RSS 1.0

//! The first of several candidate elements (ns, local) present under `parent`.
const xmlNode* FirstOf(const xmlNode* parent,
                       std::initializer_list<std::pair<const char*, const char*>> names) {
  for (const auto& [ns, local] : names)
    if (const xmlNode* c = Child(parent, ns, local)) return c;
  return nullptr;
}

void ParseRssItem(xmlDoc* doc, const xmlNode* item, const char* ns, Entry* en) {
  const xmlNode* guid = Child(item, ns, "guid");
  if (guid) en->id = Trim(Text(guid));
  if (en->id.empty()) {
    std::string about = NsAttr(item, kRdf, "about");
    if (about.empty()) about = Attr(item, "rdf:about");
    en->id = Trim(about);
  }
  en->title = TextConstruct(doc, FirstOf(item, {{ns, "title"}, {kDc, "title"}}));
  const xmlNode* link = Child(item, ns, "link");
  if (link) en->link = Resolve(doc, link, Text(link));
  if (en->link.empty()) en->link = AtomLink(doc, item, kAtom10);
  if (en->link.empty() && guid && Attr(guid, "isPermaLink") != "false" &&
      (en->id.rfind("http://", 0) == 0 || en->id.rfind("https://", 0) == 0)) {
    en->link = en->id;
  }
  if (en->id.empty()) en->id = en->link;
  en->published = DateOf(FirstOf(item, {{ns, "pubDate"},
                                        {kDc, "date"},
                                        {kDcTerms, "issued"},
                                        {kDcTerms, "created"},
                                        {kAtom10, "published"}}));
  en->updated = DateOf(FirstOf(item, {{kAtom10, "updated"}, {kDcTerms, "modified"}}));
  if (!en->updated) en->updated = en->published;
  const xmlNode* author = FirstOf(item, {{ns, "author"}, {kDc, "creator"}, {kDc, "author"}});
  if (author) {
    en->author = HasElementChildren(author) ? AtomPerson(author, kAtom10) : Trim(Text(author));
  }
  en->summary = TextConstruct(doc, FirstOf(item, {{ns, "description"}, {kDc, "description"}}));
  if (en->summary.empty()) en->summary = TextConstruct(doc, Child(item, kContent, "encoded"));
  if (en->summary.empty()) {
    if (const xmlNode* group = Child(item, kMedia, "group"))
      en->summary = TextConstruct(doc, Child(group, kMedia, "description"));
    else
      en->summary = TextConstruct(doc, Child(item, kMedia, "description"));
  }
}

void ParseRssChannel(xmlDoc* doc, const xmlNode* channel, const char* ns, Feed* out) {
  out->info.title = TextConstruct(doc, FirstOf(channel, {{ns, "title"}, {kDc, "title"}}));
  const xmlNode* link = Child(channel, ns, "link");
  if (link) out->info.link = Resolve(doc, link, Text(link));
  if (out->info.link.empty()) out->info.link = AtomLink(doc, channel, kAtom10);
  const xmlNode* lang = FirstOf(channel, {{ns, "language"}, {kDc, "language"}});
  out->info.language = lang ? Trim(Text(lang)) : Lang(channel);
  out->info.updated = DateOf(FirstOf(channel, {{ns, "lastBuildDate"},
                                               {kAtom10, "updated"},
                                               {kDc, "date"},
                                               {kDcTerms, "modified"},
                                               {ns, "pubDate"}}));
}

void ParseRss(xmlDoc* doc, const xmlNode* root, const ParseOptions& opts, Feed* out) {
  out->format = "rss20";
  const xmlNode* channel = Child(root, "", "channel");
  if (!channel) {
    out->bozo = true;
    return;
  }
  ParseRssChannel(doc, channel, "", out);
  // Items belong in <channel>; RSS 0.91 generators sometimes put them beside it.
  for (const xmlNode* parent : {channel, root}) {
    ForChildren(parent, [&](const xmlNode* item) {
      if (!Is(item, "", "item")) return;
      if (out->entries.size() >= opts.max_entries) {
        out->bozo = true;
        return;
      }
      Entry en;
      ParseRssItem(doc, item, "", &en);
      out->entries.push_back(std::move(en));
    });
  }
}

void ParseRdf(xmlDoc* doc, const xmlNode* root, const ParseOptions& opts, Feed* out) {
  // RSS 1.0 or 0.90: find the vocabulary from the channel element.
  const char* ns = kRss10;
  const xmlNode* channel = Child(root, kRss10, "channel");
  if (!channel) {
    channel = Child(root, kRss090, "channel");
    if (channel) ns = kRss090;
  }
  if (!channel) {
    channel = Child(root, "", "channel");  // undeclared default namespace
    if (channel) ns = "";
  }
  out->format = ns == kRss090 ? "rss090" : "rss10";
  if (channel) ParseRssChannel(doc, channel, ns, out);
  for (const xmlNode* parent : {root, channel}) {
    if (!parent) continue;
    ForChildren(parent, [&](const xmlNode* item) {
      if (!Is(item, ns, "item")) return;
      if (out->entries.size() >= opts.max_entries) {
        out->bozo = true;
        return;
      }
      Entry en;
      ParseRssItem(doc, item, ns, &en);
      out->entries.push_back(std::move(en));
    });
  }
}

//! Broken feeds often carry a bare '&' ("Banjir & longsor"), which XML recovery would drop. In an
//! ASCII-compatible document, escapes every '&' that does not start an entity or character
//! reference, outside CDATA sections and comments. Returns false (and leaves *out empty) when
//! there is nothing to repair.
bool RepairBareAmpersands(std::string_view doc, std::string* out) {
  if (doc.size() >= 2 &&
      (static_cast<unsigned char>(doc[0]) >= 0xfe || doc[0] == '\0' || doc[1] == '\0')) {
    return false;  // UTF-16/32: leave to the parser
  }
  auto is_name_start = [](unsigned char c) {
    return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80;
  };
  auto is_name = [&](unsigned char c) {
    return is_name_start(c) || std::isdigit(c) || c == '-' || c == '.';
  };
  bool changed = false;
  size_t i = 0;
  while (i < doc.size()) {
    if (doc.compare(i, 9, "<![CDATA[") == 0 || doc.compare(i, 4, "<!--") == 0) {
      bool cdata = doc[i + 2] == '[';
      size_t end = doc.find(cdata ? "]]>" : "-->", i);
      end = end == std::string_view::npos ? doc.size() : end + 3;
      out->append(doc.substr(i, end - i));
      i = end;
      continue;
    }
    char c = doc[i];
    if (c == '&') {
      size_t j = i + 1;
      bool ref = false;
      if (j < doc.size() && doc[j] == '#') {
        ++j;
        bool hex = j < doc.size() && (doc[j] == 'x' || doc[j] == 'X');
        if (hex) ++j;
        size_t start = j;
        while (j < doc.size() && (hex ? std::isxdigit(static_cast<unsigned char>(doc[j]))
                                      : std::isdigit(static_cast<unsigned char>(doc[j]))))
          ++j;
        ref = j > start && j < doc.size() && doc[j] == ';';
      } else if (j < doc.size() && is_name_start(static_cast<unsigned char>(doc[j]))) {
        while (j < doc.size() && j - i < 64 && is_name(static_cast<unsigned char>(doc[j]))) ++j;
        ref = j < doc.size() && doc[j] == ';';
      }
      if (!ref) {
        out->append("&amp;");
        changed = true;
        ++i;
        continue;
      }
    }
    out->push_back(c);
    ++i;
  }
  if (!changed) out->clear();
  return changed;
}

}  // namespace

//! The largest number of '=' in one start tag (from "<name" to the next '>'), an upper bound of
//! its attributes; comments and CDATA sections are skipped, and the scan stops once `limit` is
//! passed. Linear in the document.
size_t MostAttributes(std::string_view doc, size_t limit) {
  size_t most = 0;
  size_t i = doc.find('<');
  while (i != std::string_view::npos && most <= limit) {
    std::string_view closing = ">";
    if (doc.compare(i, 4, "<!--") == 0) closing = "-->";
    if (doc.compare(i, 9, "<![CDATA[") == 0) closing = "]]>";
    size_t end = doc.find(closing, i + 1);
    if (end == std::string_view::npos) end = doc.size();
    if (closing == ">") {
      size_t n = 0;
      for (size_t k = i + 1; k < end; ++k) n += doc[k] == '=';
      most = std::max(most, n);
    }
    i = doc.find('<', end);
  }
  return most;
}

Result<Feed> Parse(std::string_view document, const ParseOptions& options) {
  if (document.size() > options.max_bytes) {
    return ResourceExhausted("feed is larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  if (document.empty()) return InvalidArgument("empty document");
  if (document.size() > static_cast<size_t>(INT32_MAX)) return ResourceExhausted("feed too large");
  if (MostAttributes(document, kMaxAttributes) > kMaxAttributes)
    return InvalidArgument("an element has more than " + std::to_string(kMaxAttributes) +
                           " attributes");
  InitLibxmlOnce();
  // libxml2 reports some problems (encoding conversion) through the generic handler, which
  // prints to stderr by default; they are collected through the structured handler instead.
  // The handler is per thread.
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
  std::string repaired;
  bool had_bare_amp = RepairBareAmpersands(document, &repaired);
  if (had_bare_amp) document = repaired;

  ParseState state;
  state.entity_doc = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
  if (!state.entity_doc) return Internal("cannot allocate the XML parser");
  // Members are destroyed in reverse order: the entities (whose parsed children point into the
  // document's dictionary) go before the document.
  struct Docs {
    DocPtr doc;
    DocPtr entities;
  } docs;
  docs.entities.reset(state.entity_doc);
  xmlCreateIntSubset(state.entity_doc, nullptr, nullptr, nullptr);
  xmlParserCtxtPtr ctxt =
      xmlCreateMemoryParserCtxt(document.data(), static_cast<int>(document.size()));
  if (!ctxt) return Internal("cannot allocate the XML parser");
  ctxt->_private = &state;
  xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOENT |
                              XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                              XML_PARSE_COMPACT);
  ctxt->sax->getEntity = SafeGetEntity;
  ctxt->sax->entityDecl = IgnoreEntityDecl;
  ctxt->sax->externalSubset = IgnoreExternalSubset;
  ctxt->sax->resolveEntity = RefuseResolve;
  ctxt->sax->serror = CollectError;
  ctxt->sax->error = nullptr;
  ctxt->sax->warning = nullptr;
  ctxt->sax->fatalError = nullptr;
  ctxt->vctxt.error = nullptr;
  ctxt->vctxt.warning = nullptr;
  if (!options.charset.empty()) {
    // The HTTP header's charset wins over the document's declaration (when libxml2 knows it).
    if (xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(options.charset.c_str()))
      xmlSwitchToEncoding(ctxt, h);
  }
  xmlParseDocument(ctxt);
  bool wellformed = ctxt->wellFormed != 0;
  xmlDocPtr raw = ctxt->myDoc;
  ctxt->myDoc = nullptr;
  ctxt->_private = nullptr;
  xmlFreeParserCtxt(ctxt);
  if (raw && !options.base_url.empty()) {
    if (raw->URL) xmlFree(const_cast<xmlChar*>(raw->URL));
    raw->URL = xmlStrdup(reinterpret_cast<const xmlChar*>(options.base_url.c_str()));
  }
  docs.doc.reset(raw);
  xmlDoc* doc = raw;
  const xmlNode* root = doc ? xmlDocGetRootElement(doc) : nullptr;
  if (!root) {
    return InvalidArgument("not a feed: " + (state.first_error.empty()
                                                 ? std::string("no XML element found")
                                                 : "unreadable XML (" + state.first_error + ")"));
  }
  Feed feed;
  feed.bozo = had_bare_amp || !wellformed || state.errors > 0;
  feed.bozo_reason = state.first_error;
  if (state.stopped)
    feed.bozo_reason += " (read up to the " + std::to_string(kMaxErrors) + "th error)";
  if (feed.bozo_reason.empty() && had_bare_amp) feed.bozo_reason = "unescaped '&' in the document";
  std::string ns = NsOf(root);
  if (Is(root, kAtom10, "feed")) {
    ParseAtom(doc, root, {kAtom10, false}, options, &feed);
  } else if (Is(root, kAtom03, "feed")) {
    ParseAtom(doc, root, {kAtom03, true}, options, &feed);
  } else if (Is(root, "", "feed")) {
    feed.bozo = true;  // Atom without its namespace: read it as Atom 1.0
    ParseAtom(doc, root, {"", false}, options, &feed);
  } else if (Is(root, "", "rss")) {
    ParseRss(doc, root, options, &feed);
  } else if (Is(root, kRdf, "RDF")) {
    ParseRdf(doc, root, options, &feed);
  } else {
    std::string name = ToStr(root->name);
    if (name.size() > 40) name = name.substr(0, 40) + "...";
    return InvalidArgument("not an RSS or Atom feed: the document's root element is <" + name +
                           ">");
  }
  return feed;
}

std::string ToJson(const Feed& f, bool diagnostics) {
  // Keys in the documented order: {"feed": {title, link, language, updated}, "entries": [...]}.
  using json = nlohmann::ordered_json;
  auto date = [](const std::optional<UnixMillis>& t) { return t ? FormatDate(*t) : ""; };
  json entries = json::array();
  for (const Entry& e : f.entries) {
    entries.push_back({{"id", e.id},
                       {"title", e.title},
                       {"link", e.link},
                       {"published", date(e.published)},
                       {"updated", date(e.updated)},
                       {"author", e.author},
                       {"summary", e.summary}});
  }
  json out = {{"feed",
               {{"title", f.info.title},
                {"link", f.info.link},
                {"language", f.info.language},
                {"updated", date(f.info.updated)}}},
              {"entries", entries}};
  if (diagnostics) {
    out["format"] = f.format;
    out["bozo"] = f.bozo;
    out["bozo_reason"] = f.bozo_reason;
  }
  // libxml2 hands out UTF-8, but a broken document can still smuggle invalid sequences through;
  // they are replaced rather than aborting the output.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string PlainText(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        out += ' ';
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      static const std::pair<const char*, const char*> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
          {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (const auto& [name, value] : kEntities) {
        if (html.compare(i, std::strlen(name), name) == 0) {
          out += value;
          i += std::strlen(name) - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
  }
  std::string folded;
  bool space = true;
  for (char c : out) {
    bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (ws) {
      if (!space) folded += ' ';
      space = true;
    } else {
      folded += c;
      space = false;
    }
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded;
}

}  // namespace humas::connectors::feed

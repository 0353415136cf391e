#include "query/ladder_svg.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "record/utf8.h"

namespace siphon::query {
namespace {

constexpr int kLeft = 190;      // time margin
constexpr int kColumn = 190;    // distance between lifelines
constexpr int kTop = 70;        // column headers
constexpr int kRow = 36;        // per arrow
constexpr std::array<const char*, 6> kLegColors = {"#1f77b4", "#d62728", "#2ca02c",
                                                   "#9467bd", "#ff7f0e", "#17becf"};

std::string num(int v) { return std::to_string(v); }

int columnX(size_t c) { return kLeft + kColumn / 2 + static_cast<int>(c) * kColumn; }

std::string style() {
  std::string s = "<style>\n";
  s += "text{font-family:monospace;font-size:12px}\n";
  s += ".host{font-weight:bold;text-anchor:middle}\n.node{fill:#555;text-anchor:middle}\n";
  s += ".life{stroke:#999;stroke-dasharray:4 3}\n";
  s += ".arrow{cursor:pointer}\n.arrow line{stroke-width:1.6}\n.arrow:hover text.label{font-weight:bold}\n";
  s += ".arrow.retrans line{stroke-dasharray:5 3}\n.arrow .label{text-anchor:middle}\n";
  s += ".time,.delta{fill:#444}\n.hit{fill:transparent}\n";
  for (size_t i = 0; i < kLegColors.size(); ++i) {
    std::string c = kLegColors[i];
    s += ".leg" + std::to_string(i) + " line{stroke:" + c + "}.leg" + std::to_string(i) +
         " polygon{fill:" + c + "}.leg" + std::to_string(i) + " .label{fill:" + c + "}\n";
  }
  s += "</style>\n";
  return s;
}

std::string svgBody(const Ladder& ladder, const CallResult& call) {
  (void)call;
  size_t ncols = std::max<size_t>(ladder.columns.size(), 1);
  int width = kLeft + static_cast<int>(ncols) * kColumn;
  int height = kTop + static_cast<int>(ladder.arrows.size()) * kRow + 20;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"" + num(width) +
                  "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
                  num(height) + "\">\n";
  s += style();
  if (ladder.truncated) {
    s += "<text class=\"truncated\" x=\"4\" y=\"14\" fill=\"#b00\">truncated: " +
         xmlEscape(ladder.truncated_reason) + "</text>\n";
  }
  for (size_t c = 0; c < ladder.columns.size(); ++c) {
    int x = columnX(c);
    s += "<g class=\"column\" data-column=\"" + std::to_string(c) + "\">";
    s += "<text class=\"host\" x=\"" + num(x) + "\" y=\"" + num(kTop - 30) + "\">" +
         xmlEscape(ladder.columns[c].address) + "</text>";
    if (!ladder.columns[c].label.empty()) {
      s += "<text class=\"node\" x=\"" + num(x) + "\" y=\"" + num(kTop - 14) + "\">" +
           xmlEscape(ladder.columns[c].label) + "</text>";
    }
    s += "<line class=\"life\" x1=\"" + num(x) + "\" y1=\"" + num(kTop - 6) + "\" x2=\"" + num(x) +
         "\" y2=\"" + num(height - 10) + "\"/></g>\n";
  }
  for (size_t k = 0; k < ladder.arrows.size(); ++k) {
    const LadderArrow& a = ladder.arrows[k];
    int y = kTop + static_cast<int>(k) * kRow + 24;
    int x1 = columnX(a.from), x2 = columnX(a.to);
    std::string cls = "arrow leg" + std::to_string(a.leg % kLegColors.size());
    if (a.retransmission) cls += " retrans";
    if (a.is_request) cls += " request";
    std::string label = a.label + (a.has_sdp ? " (SDP)" : "") + (a.retransmission ? " [retrans]" : "");
    s += "<g class=\"" + cls + "\" id=\"arrow-" + std::to_string(k) + "\" data-index=\"" +
         std::to_string(k) + "\" data-message=\"" + std::to_string(a.message) + "\" data-leg=\"" +
         std::to_string(a.leg) + "\" data-transaction=\"" + std::to_string(a.transaction) + "\">";
    std::string title = a.label + " | CSeq " + a.cseq + " | " + ladder.columns[a.from].address +
                        " -> " + ladder.columns[a.to].address + " | seen at";
    for (const auto& p : a.capture_points) title += " " + p;
    s += "<title>" + xmlEscape(title) + "</title>";
    s += "<rect class=\"hit\" x=\"" + num(std::min(x1, x2) - 4) + "\" y=\"" + num(y - 18) +
         "\" width=\"" + num(std::abs(x2 - x1) + 8) + "\" height=\"" + num(kRow - 8) + "\"/>";
    s += "<text class=\"time\" x=\"4\" y=\"" + num(y - 4) + "\">" + clockText(a.ts_us) + "</text>";
    s += "<text class=\"delta\" x=\"4\" y=\"" + num(y + 9) + "\">" + deltaText(a.delta_prev_us) + "</text>";
    if (x1 == x2) {  // to itself: a small loop to the right of the lifeline
      s += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y - 6) + "\" x2=\"" + num(x1 + 30) + "\" y2=\"" +
           num(y - 6) + "\"/><line x1=\"" + num(x1 + 30) + "\" y1=\"" + num(y - 6) + "\" x2=\"" +
           num(x1 + 30) + "\" y2=\"" + num(y + 4) + "\"/><line x1=\"" + num(x1 + 30) + "\" y1=\"" +
           num(y + 4) + "\" x2=\"" + num(x1 + 6) + "\" y2=\"" + num(y + 4) + "\"/>";
      s += "<polygon points=\"" + num(x1) + "," + num(y + 4) + " " + num(x1 + 8) + "," + num(y) + " " +
           num(x1 + 8) + "," + num(y + 8) + "\"/>";
      s += "<text class=\"label\" x=\"" + num(x1 + 70) + "\" y=\"" + num(y - 10) + "\">" +
           xmlEscape(label) + "</text>";
    } else {
      int dir = x2 > x1 ? 1 : -1;
      s += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y) + "\" x2=\"" + num(x2 - dir * 8) + "\" y2=\"" +
           num(y) + "\"/>";
      s += "<polygon points=\"" + num(x2) + "," + num(y) + " " + num(x2 - dir * 9) + "," + num(y - 4) +
           " " + num(x2 - dir * 9) + "," + num(y + 4) + "\"/>";
      s += "<text class=\"label\" x=\"" + num((x1 + x2) / 2) + "\" y=\"" + num(y - 5) + "\">" +
           xmlEscape(label) + "</text>";
    }
    s += "</g>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace

std::string xmlEscape(std::string_view text) {
  bool utf8 = record::isValidUtf8(text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&#39;"; continue;
      default: break;
    }
    if (c == '\t' || c == '\n' || c == '\r') {
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += "\xef\xbf\xbd";  // U+FFFD: XML 1.0 forbids these characters even as references
    } else if (c >= 0x80 && !utf8) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "&#x%02X;", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string renderLadderSvg(const Ladder& ladder, const CallResult& call) {
  return svgBody(ladder, call);
}

std::string renderLadderHtml(const Ladder& ladder, const CallResult& call) {
  std::string title = ladder.legs.empty() ? "call" : ladder.legs.front();
  std::string s = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + xmlEscape(title) +
                  "</title>\n<style>\nbody{font-family:sans-serif;margin:1em}\n"
                  "#flow{overflow:auto;max-height:70vh;border:1px solid #ccc}\n"
                  "pre.msg{background:#f6f6f6;padding:.6em;border:1px solid #ddd;white-space:pre-wrap}\n"
                  ".sdp{background:#fff4c2}\n.selected line{stroke-width:3}\n</style></head><body>\n";
  s += "<h1>" + xmlEscape(title) + "</h1>\n<p>" + std::to_string(call.messages.size()) +
       " message(s), " + std::to_string(ladder.legs.size()) + " leg(s)";
  if (ladder.truncated) s += " &#8212; truncated: " + xmlEscape(ladder.truncated_reason);
  s += "</p>\n<ul class=\"legs\">";
  for (size_t i = 0; i < ladder.legs.size(); ++i) {
    s += "<li>leg " + std::to_string(i) + ": " + xmlEscape(ladder.legs[i]) + "</li>";
  }
  s += "</ul>\n<div id=\"flow\">\n" + svgBody(ladder, call) + "</div>\n<div id=\"messages\">\n";
  for (size_t k = 0; k < ladder.arrows.size(); ++k) {
    const LadderArrow& a = ladder.arrows[k];
    const CallMessage& m = call.messages[a.message];
    std::string_view text = m.payload();
    size_t split = text.find("\r\n\r\n");
    std::string_view head = split == std::string_view::npos ? text : text.substr(0, split + 4);
    std::string_view body = split == std::string_view::npos ? std::string_view{} : text.substr(split + 4);
    std::string info = clockText(a.ts_us) + "  " + ladder.columns[a.from].address + " -> " +
                       ladder.columns[a.to].address + "  seen at";
    for (const auto& p : a.capture_points) info += " " + p;
    s += "<pre class=\"msg\" id=\"msg-" + std::to_string(k) + "\" data-index=\"" + std::to_string(k) +
         "\" hidden><b>" + xmlEscape(info) + "</b>\n" + xmlEscape(head);
    if (!body.empty()) {
      s += std::string("<span class=\"") + (a.has_sdp ? "sdp" : "body") + "\">" + xmlEscape(body) +
           "</span>";
    }
    s += "</pre>\n";
  }
  s += "</div>\n<script>\n"
       "document.querySelectorAll('g.arrow').forEach(function(g){g.addEventListener('click',function(){\n"
       "  document.querySelectorAll('pre.msg').forEach(function(p){p.hidden=true;});\n"
       "  document.querySelectorAll('g.arrow.selected').forEach(function(x){x.classList.remove('selected');});\n"
       "  g.classList.add('selected');\n"
       "  var p=document.getElementById('msg-'+g.dataset.index); if(p){p.hidden=false;}\n"
       "});});\n</script>\n</body></html>\n";
  return s;
}

}  // namespace siphon::query

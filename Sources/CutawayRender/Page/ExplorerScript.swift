/// The explorer page's script and style, inlined into index.html and allowed by their
/// SHA-256 hashes in the page's Content-Security-Policy. The script reads the snapshot's
/// summary from the `application/json` block `cutaway-data`, never evaluates text, and
/// builds every element with `textContent` (no markup from the snapshot reaches the DOM).
enum ExplorerScript {
    static let style = """
    *{box-sizing:border-box}body{margin:0;font:13px/1.4 Helvetica,Arial,sans-serif;color:\(Palette.Page.text);display:flex;height:100vh}
    #side{width:340px;min-width:260px;border-right:1px solid \(Palette.Page.sidebarBorder);display:flex;flex-direction:column;background:\(Palette.Page.sidebar)}
    #side header{padding:8px 10px;border-bottom:1px solid \(Palette.Page.rule)}#side h1{font-size:15px;margin:0 0 4px}
    #search{width:100%;padding:5px;font-size:13px}#results{max-height:35vh;overflow:auto;border-bottom:1px solid \(Palette.Page.rule)}
    #results div,#tree .row{padding:2px 10px;cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    #results div:hover,#tree .row:hover{background:\(Palette.Page.hover)}#tree{flex:1;overflow:auto;padding:4px 0}
    #tree summary{padding:2px 6px;cursor:pointer;font-weight:bold}#tree details details summary{font-weight:normal}
    #tree details details{margin-left:12px}.sel{background:\(Palette.Page.selected)!important}
    #main{flex:1;display:flex;flex-direction:column;min-width:0}#info{padding:10px 14px;border-bottom:1px solid \(Palette.Page.rule);max-height:38vh;overflow:auto}
    #info h2{font-size:16px;margin:0 0 6px}#info table{border-collapse:collapse}#info td{padding:1px 8px 1px 0;vertical-align:top}
    #info td:first-child{color:\(Palette.Page.label);white-space:nowrap}.link{color:\(Palette.Page.link);cursor:pointer;text-decoration:underline}
    #bar{padding:4px 14px;border-bottom:1px solid \(Palette.Page.lightRule);display:flex;gap:6px;align-items:center;flex-wrap:wrap}
    #bar button{font-size:12px}#dtitle{color:\(Palette.Page.secondaryText);overflow:hidden;text-overflow:ellipsis;white-space:nowrap;flex:1}
    #view{flex:1;overflow:hidden;position:relative;background:\(Palette.Page.background);cursor:grab}#view img{position:absolute;left:0;top:0;transform-origin:0 0;max-width:none;user-select:none}
    pre{font-size:11px;background:\(Palette.Page.code);padding:8px;overflow:auto;max-height:60vh}.muted{color:\(Palette.Page.muted)}
    """

    static let script = #"""
    (function(){
    "use strict";
    var D=JSON.parse(document.getElementById("cutaway-data").textContent);
    function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=String(text);if(cls)e.className=cls;return e;}
    var byKey={},nsByKey={},procByPid={},covers={};
    D.ns.forEach(function(n){nsByKey["ns:"+n.k]=n;});
    D.procs.forEach(function(p){procByPid[p.pid]=p;});
    D.diagrams.forEach(function(d,i){d.covers.forEach(function(k){(covers[k]=covers[k]||[]).push(i);});});
    var groupOfPid={};D.groups.forEach(function(g){g.pids.forEach(function(p){groupOfPid[p]=g;});});
    function groupOfNs(k){var n=nsByKey[k];return n&&n.g?D.groups[n.g-1]:null;}
    // Viewer: pan with the mouse, zoom with the wheel or the buttons.
    var view=document.getElementById("view"),img=document.getElementById("img"),S={x:0,y:0,s:1};
    function apply(){img.style.transform="translate("+S.x+"px,"+S.y+"px) scale("+S.s+")";}
    function fit(){var w=img.naturalWidth||1,h=img.naturalHeight||1,r=view.getBoundingClientRect();S.s=Math.min(1,Math.min(r.width/w,r.height/h));S.x=(r.width-w*S.s)/2;S.y=0;apply();}
    function zoom(f,cx,cy){var r=view.getBoundingClientRect();if(cx==null){cx=r.width/2;cy=r.height/2;}S.x=cx-(cx-S.x)*f;S.y=cy-(cy-S.y)*f;S.s*=f;apply();}
    view.addEventListener("wheel",function(e){e.preventDefault();var r=view.getBoundingClientRect();zoom(e.deltaY<0?1.2:1/1.2,e.clientX-r.left,e.clientY-r.top);},{passive:false});
    var drag=null;view.addEventListener("mousedown",function(e){drag={x:e.clientX-S.x,y:e.clientY-S.y};view.style.cursor="grabbing";e.preventDefault();});
    window.addEventListener("mouseup",function(){drag=null;view.style.cursor="grab";});
    window.addEventListener("mousemove",function(e){if(drag){S.x=e.clientX-drag.x;S.y=e.clientY-drag.y;apply();}});
    img.addEventListener("load",fit);
    document.getElementById("zin").onclick=function(){zoom(1.25);};document.getElementById("zout").onclick=function(){zoom(0.8);};
    document.getElementById("zfit").onclick=fit;document.getElementById("z1").onclick=function(){S.s=1;S.x=0;S.y=0;apply();};
    var current=-1;
    function showDiagram(i){if(i==null||i<0||!D.diagrams[i])return;current=i;var d=D.diagrams[i];
      img.alt=d.title;img.src=d.file;document.getElementById("dtitle").textContent=d.title;
      var a=document.getElementById("dopen");a.href=d.file;img.setAttribute("data-diagram",d.file);}
    function diagramsFor(key){var out=(covers[key]||[]).slice();
      if(key.indexOf("pid:")===0){var p=procByPid[+key.slice(4)];if(p)p.ns.forEach(function(k){(covers["ns:"+k]||[]).forEach(function(i){if(out.indexOf(i)<0)out.push(i);});});}
      // The most specific first: a group's, a container's or a mount table's before the overview.
      out.sort(function(a,b){return (D.diagrams[a].kind==="namespaces")-(D.diagrams[b].kind==="namespaces")||a-b;});
      if(!out.length&&D.diagrams.length)out.push(0);return out;}
    // Details of one item.
    var info=document.getElementById("info");
    function row(t,k,v){var tr=el("tr");tr.appendChild(el("td",k));var td=el("td");if(v instanceof Node)td.appendChild(v);else td.textContent=v;tr.appendChild(td);t.appendChild(tr);}
    function link(text,key){var s=el("span",text,"link");s.onclick=function(){select(key);};return s;}
    function links(keys,label){var f=el("span");keys.forEach(function(k,i){if(i)f.appendChild(document.createTextNode(", "));f.appendChild(link(label?label(k):k.replace(/^ns:/,""),k));});return f;}
    function select(key){
      info.textContent="";var t=el("table"),h=el("h2");h.id="item-title";info.appendChild(h);info.setAttribute("data-key",key);
      if(key.indexOf("pid:")===0){var p=procByPid[+key.slice(4)];if(!p){h.textContent="no process "+key.slice(4);return;}
        h.textContent="process "+p.pid+" "+p.c;row(t,"command line",p.a||"-");row(t,"parent",p.ppid?link(String(p.ppid),"pid:"+p.ppid):"-");
        row(t,"namespaces",links(p.ns.map(function(k){return "ns:"+k;})));var g=groupOfPid[p.pid];if(g)row(t,"folded in",link("group "+g.id+": "+g.title,"group:"+g.id));
        if(p.ctr)row(t,"container",link(p.ctr,"container:"+p.ctr));}
      else if(key.indexOf("ns:")===0){var n=nsByKey[key];if(!n){h.textContent="no namespace "+key.slice(3);return;}
        h.textContent="namespace "+n.k;row(t,"processes",String(n.n));row(t,"leader",n.l);if(n.d)row(t,"details",n.d);
        if(n.o)row(t,"owner",link(n.o,"ns:"+n.o));if(n.p)row(t,"parent",link(n.p,"ns:"+n.p));
        var g2=groupOfNs(key);if(g2)row(t,"folded in",link("group "+g2.id+": "+g2.title,"group:"+g2.id));
        if(n.pids.length)row(t,"pids",links(n.pids.map(function(p){return "pid:"+p;}),function(k){return k.slice(4);}));
        var m=D.mounts[n.k];if(m){row(t,"mount points",m.slice(0,40).join("  ")+(m.length>40?"  … ("+m.length+")":""));}}
      else if(key.indexOf("group:")===0){var g3=D.groups[+key.slice(6)-1];if(!g3){h.textContent="no "+key;return;}
        h.textContent="group "+g3.id+": "+g3.title;row(t,"processes",g3.each);row(t,"folded namespaces",String(g3.folded));row(t,"differ only in",g3.varies);
        row(t,"members",links(g3.pids.slice(0,200).map(function(p){return "pid:"+p;}),function(k){return k.slice(4);}));}
      else if(key.indexOf("container:")===0){var c=null;D.containers.forEach(function(x){if("container:"+x.name===key)c=x;});if(!c){h.textContent="no "+key;return;}
        h.textContent=c.engine+" container "+c.name;row(t,"image",c.image||"-");row(t,"id",c.id);row(t,"pid",c.pid?link(String(c.pid),"pid:"+c.pid):"not running");}
      else if(key.indexOf("diagram:")===0){var d=D.diagrams[+key.slice(8)];h.textContent=d?d.title:key;if(d)showDiagram(+key.slice(8));}
      else if(key==="summary"){summary(h,t);}
      info.appendChild(t);
      if(key.indexOf("diagram:")!==0&&key!=="summary"){var ds=diagramsFor(key);var bar=el("div");ds.forEach(function(i){var b=el("button",D.diagrams[i].kind+": "+D.diagrams[i].title);b.onclick=function(){showDiagram(i);};bar.appendChild(b);});
        if(ds.length>1)info.appendChild(bar);showDiagram(ds[0]);}
      var prev=document.querySelector(".sel");if(prev)prev.classList.remove("sel");var r=document.querySelector('[data-key="'+CSS.escape(key)+'"]');if(r)r.classList.add("sel");}
    function summary(h,t){h.textContent="cutaway snapshot of "+D.host+(D.focus?" — "+D.focus:"");row(t,"kernel",D.kernel);row(t,"taken",D.taken+" ("+D.origin+")");
      Object.keys(D.counts).forEach(function(k){row(t,k,String(D.counts[k]));});
      if(D.groups.length)row(t,"folded groups",links(D.groups.map(function(g){return "group:"+g.id;}),function(k){var g=D.groups[+k.slice(6)-1];return g.title;}));
      if(D.containers.length)row(t,"containers",links(D.containers.map(function(c){return "container:"+c.name;}),function(k){return k.slice(10);}));
      var r=el("span",null);var a=el("a","report.txt");a.href="report.txt";r.appendChild(a);row(t,"report",r);showDiagram(0);}
    // Search: pid, command, container, mount point, inode.
    var results=document.getElementById("results");
    function search(q){results.textContent="";q=q.trim().toLowerCase();if(!q)return [];var out=[];
      function add(key,text){if(out.length<60&&out.every(function(o){return o.key!==key;}))out.push({key:key,text:text});}
      if(/^\d+$/.test(q)){if(procByPid[q])add("pid:"+q,"process "+q+" "+procByPid[q].c);
        D.ns.forEach(function(n){if(n.k.split(":")[1].indexOf(q)>=0)add("ns:"+n.k,"namespace "+n.k);});}
      var nsq=q.replace(/^([a-z]+):\[?(\d+)\]?$/,"$1:$2");if(nsByKey["ns:"+nsq])add("ns:"+nsq,"namespace "+nsq);
      D.containers.forEach(function(c){if(c.name.toLowerCase().indexOf(q)>=0||c.id.indexOf(q)===0)add("container:"+c.name,c.engine+" container "+c.name);});
      D.groups.forEach(function(g){if(g.title.toLowerCase().indexOf(q)>=0)add("group:"+g.id,"group "+g.id+": "+g.title);});
      D.procs.forEach(function(p){if(String(p.pid).indexOf(q)===0||p.c.toLowerCase().indexOf(q)>=0||(p.a&&p.a.toLowerCase().indexOf(q)>=0))add("pid:"+p.pid,"process "+p.pid+" "+p.c);});
      Object.keys(D.mounts).forEach(function(k){D.mounts[k].forEach(function(m){if(m.toLowerCase().indexOf(q)>=0)add("ns:"+k,"mount "+m+" in "+k);});});
      out.forEach(function(o){var d=el("div",o.text);d.setAttribute("data-key",o.key);d.onclick=function(){select(o.key);};results.appendChild(d);});
      if(!out.length)results.appendChild(el("div","nothing matches","muted"));return out;}
    var box=document.getElementById("search");box.addEventListener("input",function(){search(box.value);});
    box.addEventListener("keydown",function(e){if(e.key==="Enter"){var r=search(box.value);if(r.length)select(r[0].key);}});
    // Tree: groups, containers, namespaces by owning user namespace, diagrams by kind.
    var tree=document.getElementById("tree");
    function item(parent,text,key){var d=el("div",text,"row");d.setAttribute("data-key",key);d.onclick=function(e){e.stopPropagation();select(key);};parent.appendChild(d);return d;}
    function section(parent,title,open){var d=el("details");if(open)d.open=true;d.appendChild(el("summary",title));parent.appendChild(d);return d;}
    item(tree,"Summary","summary");
    if(D.groups.length){var gs=section(tree,"Folded groups ("+D.groups.length+")",true);D.groups.forEach(function(g){var s=section(gs,g.title,false);
      item(s,"the group","group:"+g.id);s.addEventListener("toggle",function once(){s.removeEventListener("toggle",once);g.pids.slice(0,500).forEach(function(p){var pr=procByPid[p];item(s,"pid "+p+(pr?" "+pr.c:""),"pid:"+p);});});});}
    if(D.containers.length){var cs=section(tree,"Containers ("+D.containers.length+")",true);D.containers.forEach(function(c){item(cs,c.engine+" "+c.name,"container:"+c.name);});}
    var kids={};D.ns.forEach(function(n){var o=n.o&&nsByKey["ns:"+n.o]?n.o:"";(kids[o]=kids[o]||[]).push(n);});
    var nss=section(tree,"Namespaces ("+D.ns.length+")",true);
    function nsTree(parent,owner,depth){var shownGroups={};(kids[owner]||[]).forEach(function(n){
      if(n.g){if(!shownGroups[n.g]){shownGroups[n.g]=1;item(parent,"▸ "+D.groups[n.g-1].title,"group:"+n.g);}return;}
      if(n.k.indexOf("user:")===0&&kids[n.k]&&depth<30){var s=section(parent,n.k+(n.l&&n.l!=="-"?"  "+n.l:""),depth<1);item(s,"this user namespace","ns:"+n.k);nsTree(s,n.k,depth+1);}
      else item(parent,n.k+(n.l&&n.l!=="-"?"  "+n.l:""),"ns:"+n.k);});}
    nsTree(nss,"",0);
    var kinds={};D.diagrams.forEach(function(d,i){(kinds[d.kind]=kinds[d.kind]||[]).push(i);});
    var ds=section(tree,"Diagrams ("+D.diagrams.length+")",false);Object.keys(kinds).forEach(function(k){var s=section(ds,k+" ("+kinds[k].length+")",false);
      kinds[k].forEach(function(i){item(s,D.diagrams[i].title,"diagram:"+i);});});
    // #find=QUERY searches and shows the first match; #item=KEY shows that item.
    function route(){var h=decodeURIComponent(location.hash.slice(1));
      if(h.indexOf("find=")===0){box.value=h.slice(5);var r=search(box.value);if(r.length)select(r[0].key);else{info.textContent="";var hh=el("h2","nothing matches "+box.value);hh.id="item-title";info.appendChild(hh);}}
      else if(h.indexOf("item=")===0)select(h.slice(5));else select("summary");}
    window.addEventListener("hashchange",route);route();
    document.body.setAttribute("data-ready","1");
    })();
    """#
}

"""What the network achieves (issue #23, "Wirkung"): indicators, yearly figures per measure,
the yearly round. The goals themselves (Handlungsfeld → strategisches Ziel → Handlungsziel)
are master data and live in the catalogue; this app sits above the measures it judges."""

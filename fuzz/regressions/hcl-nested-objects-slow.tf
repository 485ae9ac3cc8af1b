eeee=z+z+ {
   eeee=z+z+ {
   eee=z+z+ {
   {
   eee=z+z+ {
   eee=z+z+ {
   eeee=z+z+ {
   eee=z+z+ {
   {
   eee=z+z+ {
   e+z+  eee=z+z+ {
   eeee=z+z+ {
   eee=z+z+ {
   {
   eee=z+z+ {
   eee=z+z+ {
   eeee=z+z+ {
   eee=z+z+ {
   {
   eee=z+z+ {
   e+z+  e+z+ {ee=z+e+z+  e+z+ {ee=z+z+ {
   {
   eee=z+z+ {
   e+z+  e+z+ {
e+z+ {ee=z+e+z+  e+z+ {ee=z+z+ {
   {
   eee=z+z+ {
   e+z+  e+z+ {
e
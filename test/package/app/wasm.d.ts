// What esbuild's file loader and Vite's `?url` give for a .wasm import: its URL.
declare module '*.wasm' {
  const url: string;
  export default url;
}
declare module '*.wasm?url' {
  const url: string;
  export default url;
}

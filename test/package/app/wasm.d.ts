// What esbuild's file loader (and Vite's ?url, webpack's asset/resource) gives for a .wasm import.
declare module '*.wasm' {
  const url: string;
  export default url;
}

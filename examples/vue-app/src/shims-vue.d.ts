// tsc does not read .vue files: an import of one is a component (vue-tsc would check its script).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}

// ECharts, trimmed to what humas draws, with an Indonesian locale (ECharts ships none).
import { use, registerLocale, init, type EChartsType } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, GridComponent, TooltipComponent, AriaComponent, CanvasRenderer])

/** Indonesian strings for ECharts' built-in texts (time axis, toolbox, accessibility descriptions). */
export const LOCALE_ID = {
  time: {
    month: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
    monthAbbr: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
    dayOfWeek: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
    dayOfWeekAbbr: ['Min', 'Sen', 'Sel', 'Rab', 'Kam', 'Jum', 'Sab'],
  },
  legend: { selector: { all: 'Semua', inverse: 'Balik' } },
  toolbox: {
    brush: {
      title: {
        rect: 'Pilih kotak', polygon: 'Pilih laso', lineX: 'Pilih mendatar', lineY: 'Pilih tegak',
        keep: 'Pertahankan pilihan', clear: 'Hapus pilihan',
      },
    },
    dataView: { title: 'Tampilan data', lang: ['Tampilan data', 'Tutup', 'Muat ulang'] },
    dataZoom: { title: { zoom: 'Perbesar', back: 'Kembalikan ukuran' } },
    magicType: { title: { line: 'Ubah ke grafik garis', bar: 'Ubah ke grafik batang', stack: 'Tumpuk', tiled: 'Jajarkan' } },
    restore: { title: 'Kembalikan' },
    saveAsImage: { title: 'Simpan sebagai gambar', lang: ['Klik kanan untuk menyimpan gambar'] },
  },
  series: {
    typeNames: {
      pie: 'Grafik lingkaran', bar: 'Grafik batang', line: 'Grafik garis', scatter: 'Grafik sebar',
      effectScatter: 'Grafik sebar beriak', radar: 'Grafik radar', tree: 'Pohon', treemap: 'Peta pohon',
      boxplot: 'Diagram kotak', candlestick: 'Grafik lilin', k: 'Grafik K', heatmap: 'Peta panas', map: 'Peta',
      parallel: 'Koordinat paralel', lines: 'Grafik garis', graph: 'Grafik relasi', sankey: 'Diagram Sankey',
      funnel: 'Grafik corong', gauge: 'Meteran', pictorialBar: 'Batang bergambar', themeRiver: 'Peta sungai tema',
      sunburst: 'Grafik sunburst', custom: 'Grafik khusus', chart: 'Grafik',
    },
  },
  aria: {
    general: { withTitle: 'Ini adalah grafik tentang "{title}"', withoutTitle: 'Ini adalah grafik' },
    series: {
      single: { prefix: '', withName: ' berjenis {seriesType} bernama {seriesName}.', withoutName: ' berjenis {seriesType}.' },
      multiple: {
        prefix: '. Terdiri dari {seriesCount} seri.',
        withName: ' Seri ke-{seriesId} adalah {seriesType} yang menggambarkan {seriesName}.',
        withoutName: ' Seri ke-{seriesId} adalah {seriesType}.',
        separator: { middle: '', end: '' },
      },
    },
    data: {
      allData: 'Datanya sebagai berikut: ',
      partialData: '{displayCnt} data pertama adalah: ',
      withName: 'data untuk {name} adalah {value}',
      withoutName: '{value}',
      separator: { middle: ', ', end: '. ' },
    },
  },
}

registerLocale('ID', LOCALE_ID)

/** True in automated browsers: charts then draw without animation so screenshots are stable. */
export function animationsOff(): boolean {
  return typeof navigator !== 'undefined' && navigator.webdriver === true
}

export function echartsLocale(locale: string): 'ID' | 'EN' {
  return locale === 'en' ? 'EN' : 'ID'
}

export { init }
export type { EChartsType }
